from __future__ import annotations

from django import forms

from pastoral.forms import DateInput
from people.models import Pupil


class PupilSearchForm(forms.Form):
    q = forms.CharField(
        label="Name or UPN", required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    year = forms.TypedChoiceField(
        label="Year",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any year")] + [(str(y), "Reception" if y == 0 else f"Year {y}") for y in range(0, 15)],
    )


class PupilForm(forms.ModelForm):
    class Meta:
        model = Pupil
        fields = [
            "legal_first_name",
            "legal_last_name",
            "preferred_first_name",
            "preferred_last_name",
            "date_of_birth",
            "sex",
            "upn",
            "uln",
            "year_group",
            "site",
            "sen_status",
            "admitted_on",
            "left_on",
            "retention_hold",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "admitted_on": DateInput(),
            "left_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = self.instance.organisation.sites.all()

    def clean_upn(self) -> str:
        from people.validation import validate_upn

        upn = self.cleaned_data["upn"].strip().upper()
        if upn:
            validate_upn(upn)
        return upn
