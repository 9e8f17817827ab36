from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import model_to_dict

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


PUPIL_EDIT_FIELDS = [
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


class PupilForm(forms.Form):
    """A pupil's details, edited by hand. The form checks each field; `people.services.pupil_update` checks the
    record as a whole (a UPN already taken at the school) and saves, so validating writes nothing onto the pupil."""

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        kwargs.setdefault("initial", model_to_dict(pupil, fields=PUPIL_EDIT_FIELDS))
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                Pupil,
                fields=PUPIL_EDIT_FIELDS,
                widgets={"date_of_birth": DateInput(), "admitted_on": DateInput(), "left_on": DateInput()},
            )
        )
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = pupil.organisation.sites.all()

    def clean_upn(self) -> str:
        from people.validation import validate_upn

        upn = self.cleaned_data["upn"].strip().upper()
        if upn:
            validate_upn(upn)
        return upn
