from __future__ import annotations

from django import forms

from audit.models import NO_ORGANISATION_ACTIONS, AuditEvent, AuditSettings
from core.forms import DateInput


class AuditFilterForm(forms.Form):
    # An organisation's log never holds a sign-in (`NO_ORGANISATION_ACTIONS`): offering one would find nothing.
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[
            ("", "Any action"),
            *(
                (value, label)
                for value, label in AuditEvent.Action.choices
                if value not in NO_ORGANISATION_ACTIONS
            ),
        ],
        error_messages={
            "invalid_choice": "That action is never in this log: sign-ins and sign-outs belong to no "
            "organisation. Each person sees their own on “Your sign-ins”; the school administrator sees accounts with "
            "many failed sign-ins on “Accounts under attack”."
        },
    )
    actor = forms.CharField(label="Who (e-mail contains)", required=False, max_length=254)
    object_type = forms.CharField(label="Record type (e.g. people.Pupil)", required=False, max_length=100)
    object_id = forms.CharField(label="Record id", required=False, max_length=64)
    date_from = forms.DateField(label="From", required=False, widget=DateInput())
    date_to = forms.DateField(label="To", required=False, widget=DateInput())

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The 'from' date must not be after the 'to' date.")
        return data


class AuditSettingsForm(forms.ModelForm):
    class Meta:
        model = AuditSettings
        fields = ["events_years"]
