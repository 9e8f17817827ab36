from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.models import model_to_dict

from core.forms import DateInput
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

    sen = forms.ChoiceField(
        label="Special educational needs",
        required=False,
        choices=[
            ("", "Any"),
            ("any", "SEN support or an EHCP"),
            (Pupil.SenStatus.SUPPORT, "SEN support"),
            (Pupil.SenStatus.EHCP, "Education, health and care plan"),
        ],
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
