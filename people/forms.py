from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from organisations.models import Organisation
from organisations.vocabulary import vocabulary_for, year_choices
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
        choices=year_choices([], blank="Any year"),
    )

    def __init__(self, *args: Any, organisations: Iterable[Organisation] = (), **kwargs: Any) -> None:
        """Years and words of the organisations searched: a secondary school offers Years 7–13, a college its
        students' years and the ULN."""
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        self.fields["year"].choices = year_choices(organisations, blank="Any year")  # type: ignore[attr-defined]
        if len(organisations) == 1:
            words = vocabulary_for(organisations[0])
            self.fields["q"].label = f"Name or {words.identifier}"


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
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "admitted_on": forms.DateInput(attrs={"type": "date"}),
            "left_on": forms.DateInput(attrs={"type": "date"}),
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
