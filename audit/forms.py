from __future__ import annotations

from django import forms

from audit.models import AuditEvent, AuditSettings
from core.forms import DateInput


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditEvent.Action.choices]
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
