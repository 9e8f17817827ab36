"""The form for a batch of termly reports: what it covers (a group, the PAL's caseload or a year group, among
those the user may report on), the period and how the reports go out. Each error lands on its field."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from caseloads.report_models import ReportBatch
from core.forms import DateInput, NaturalModelChoiceField
from people.models import Group


class ReportBatchForm(forms.Form):
    scope = forms.ChoiceField(label="Reports for", widget=forms.RadioSelect)
    group = NaturalModelChoiceField(queryset=Group.objects.none(), required=False)
    year_group = forms.TypedChoiceField(label="Year group", coerce=int, required=False, empty_value=None)
    title = forms.CharField(label="Report title", max_length=100, help_text="For example: Autumn term 2026.")
    starts_on = forms.DateField(label="From", widget=DateInput())
    ends_on = forms.DateField(label="To", widget=DateInput())
    delivery = forms.ChoiceField(
        label="Then", choices=ReportBatch.Delivery.choices, widget=forms.RadioSelect, initial="download"
    )

    def __init__(
        self, *args: Any, groups: Any, years: list[tuple[int, str]], has_caseload: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        scopes = [(k, v) for k, v in ReportBatch.Scope.choices if k != "caseload" or has_caseload]
        if not years:
            scopes = [(k, v) for k, v in scopes if k != "year"]
        cast(forms.ChoiceField, self.fields["scope"]).choices = scopes
        cast(forms.ModelChoiceField, self.fields["group"]).queryset = groups
        cast(forms.ChoiceField, self.fields["year_group"]).choices = [("", "—"), *years]
        if not years:
            del self.fields["year_group"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == ReportBatch.Scope.GROUP and not data.get("group"):
            self.add_error("group", "Choose the group.")
        if scope == ReportBatch.Scope.YEAR and data.get("year_group") is None:
            self.add_error("year_group", "Choose the year group.")
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The period must end on or after the day it starts.")
        return data
