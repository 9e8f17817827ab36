"""Forms for coaching, listening notes, passports and progression: each error lands on the field it is about."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from caseloads.models import CoachingSession, Progression
from core.forms import DateInput


class CoachingForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=DateInput())
    focus = forms.ChoiceField(choices=CoachingSession.Focus.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label="Next step", max_length=300, required=False)
    next_on = forms.DateField(label="Next step by", widget=DateInput(), required=False)


class NoteForm(forms.Form):
    heard_on = forms.DateField(label="Date", widget=DateInput())
    said = forms.CharField(
        label="What the student said", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    guidance = forms.CharField(
        label="Guidance given", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class ReferForm(forms.Form):
    agency: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]  # set in __init__
        help_text="The agencies you may refer this student to.",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    consent = forms.ChoiceField(choices=[])
    consent_note = forms.CharField(label="About consent", max_length=500, required=False)
    made_on = forms.DateField(label="Referred on", widget=DateInput())

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        from safeguarding.models import Referral

        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies
        cast(forms.ChoiceField, self.fields["consent"]).choices = Referral.Consent.choices


class PassToDslForm(forms.Form):
    category = forms.ChoiceField(choices=[], help_text="What the concern is about, as far as you can tell.")
    location = forms.CharField(label="Where the student told you", max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from safeguarding.models import Category

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = Category.choices


class PassportForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="E.g. Progression Passport, Employability Seal.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PassportItemForm(forms.Form):
    title = forms.CharField(label="New item", max_length=200)


class CompletionForm(forms.Form):
    completed_on = forms.DateField(label="Completed on", widget=DateInput())
    evidence = forms.CharField(label="Evidence", max_length=2000, required=False)


class ProgressionForm(forms.Form):
    targets = forms.CharField(
        label="Progression targets", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    destination = forms.CharField(
        max_length=300, required=False, help_text="E.g. Level 3 Engineering here; an apprenticeship."
    )
    destination_status = forms.ChoiceField(
        label="The destination is", choices=Progression.Status.choices, required=False
    )
