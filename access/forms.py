from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from access.roles import Role
from core.forms import DateInput, NaturalModelChoiceField
from organisations.vocabulary import year_choices
from people.models import Group

SCHOOL_ROLE_CHOICES = [
    (r.value, r.label)
    for r in Role
    if r
    not in (
        Role.PROGRAMME_ADMIN,
        Role.FACILITATOR,
        Role.PARTICIPANT,
        Role.MENTOR,
        Role.REVIEWER,
        Role.MODERATOR,
    )
]


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=SCHOOL_ROLE_CHOICES)
    group = NaturalModelChoiceField(
        label="Group",
        required=False,
        queryset=Group.objects.none(),
        help_text="For a tutor (their tutor group), a PAL (one caseload group at a time) or a head of house.",
    )
    year_group = forms.TypedChoiceField(
        label="Year group",
        required=False,
        coerce=int,
        empty_value=None,
        choices=year_choices([], blank="—"),
        help_text="For a head of year.",
    )
    site: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Site", required=False, queryset=None, help_text="Leave empty for every site."
    )
    starts_on = forms.DateField(label="Starts on", initial=timezone.localdate, widget=DateInput())

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(organisation=organisation).exclude(  # type: ignore[attr-defined]
            kind=Group.Kind.YEAR
        )
        self.fields["site"].queryset = organisation.sites.all()  # type: ignore[attr-defined]
        self.fields["year_group"].choices = year_choices([organisation], blank="—")  # type: ignore[attr-defined]
