"""The dashboard's filters and the governors' report request."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from core.forms import DateInput
from insights.selectors.figures import DIMENSIONS

# The breakdowns' names come from the one mapping the tables and headings use.
BY_CHOICES = [(d.key, d.label) for d in DIMENSIONS.values()]


class DashboardForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput(), required=False)
    end = forms.DateField(label="To", widget=DateInput(), required=False)
    school = forms.ChoiceField(label="School", required=False)
    year = forms.ChoiceField(label="Year", required=False)
    site = forms.ChoiceField(label="Site", required=False)
    group = forms.ChoiceField(label="Tutor group", required=False)
    caseload = forms.BooleanField(label="My caseload only", required=False)
    by = forms.ChoiceField(label="Break down by", choices=BY_CHOICES, required=False)

    def __init__(
        self,
        data: Any,
        *,
        schools: list[tuple[str, str]],
        years: list[tuple[str, str]],
        sites: list[tuple[str, str]],
        groups: list[tuple[str, str]],
        by: list[tuple[str, str]],
        show_caseload: bool,
    ) -> None:
        super().__init__(data)
        self._choices("year", years)
        self._choices("by", by)
        for name, choices in (("school", schools), ("site", sites), ("group", groups)):
            if len(choices) > 1:
                self._choices(name, [("", "All"), *choices])
            else:
                del self.fields[name]
        if not show_caseload:
            del self.fields["caseload"]

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def choice_label(self, name: str, value: str) -> str:
        field = self.fields.get(name)
        return dict(field.choices).get(value, value) if isinstance(field, forms.ChoiceField) else value  # type: ignore[arg-type]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The period must end on or after the day it starts.")
        if start and end and (end - start).days > 366 * 3:
            self.add_error("end", "Choose at most three years.")
        return cleaned


class ReportForm(forms.Form):
    starts_on = forms.DateField(label="Term starts", widget=DateInput())
    ends_on = forms.DateField(label="Term ends", widget=DateInput())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The term must end on or after the day it starts.")
        if start and end and end - start > datetime.timedelta(days=200):
            self.add_error("ends_on", "A term is at most 200 days long.")
        return cleaned
