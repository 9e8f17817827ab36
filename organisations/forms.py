from __future__ import annotations

from typing import Any

from django import forms

from core.forms import DateInput
from organisations.models import AcademicYear, Closure, Term


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["academic_year", "kind", "starts_on", "ends_on"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["academic_year"].queryset = AcademicYear.objects.order_by("-starts_on")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, start, end = data.get("academic_year"), data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "A term cannot end before it starts.")
        if year and start and not (year.starts_on <= start <= year.ends_on):
            self.add_error(
                "starts_on",
                f"This date is not in the academic year {year} ({year.starts_on:%-d %b %Y} to {year.ends_on:%-d %b %Y}).",
            )
        if year and data.get("kind"):
            clash = Term.objects.filter(
                organisation=self.instance.organisation, academic_year=year, kind=data["kind"]
            )
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "kind", f"The {data['kind']} term of {year} is already recorded: edit it instead."
                )
        return data

    def validate_unique(self) -> None:
        """Uniqueness is checked in clean() with a clearer message."""


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["kind", "starts_on", "ends_on", "site", "reason"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }
        help_texts = {"site": "Leave empty when the whole organisation is closed."}

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["site"].queryset = organisation.sites.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "A closure cannot end before it starts.")
        return data
