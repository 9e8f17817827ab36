from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from early_warning.models import Review
from early_warning.registry import FLAG_AT, indicators


def field_name(key: str) -> str:
    return key.replace(".", "__")


class SettingsForm(forms.Form):
    """Every indicator on or off, its weight and thresholds, and the score that flags; built from the registry."""

    def __init__(self, *args: Any, values: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["flag_at"] = forms.IntegerField(
            label=FLAG_AT.label, min_value=1, max_value=100, initial=values["flag_at"], help_text=FLAG_AT.help
        )
        self.sections: list[tuple[Any, list[str]]] = []
        for indicator in indicators():
            names = [f"{indicator.key}__on", f"{indicator.key}__weight"]
            self.fields[names[0]] = forms.BooleanField(
                label=f"Use “{indicator.label}”", required=False, initial=values[f"{indicator.key}.on"]
            )
            self.fields[names[1]] = forms.IntegerField(
                label=f"Points for “{indicator.label}”",
                min_value=0,
                max_value=20,
                initial=values[f"{indicator.key}.weight"],
            )
            for param in indicator.params:
                name = f"{indicator.key}__{param.key}"
                names.append(name)
                label, initial = f"{indicator.label}: {param.label}", values[f"{indicator.key}.{param.key}"]
                if isinstance(param.default, Decimal):
                    self.fields[name] = forms.DecimalField(
                        label=label,
                        min_value=Decimal(param.minimum),
                        max_value=Decimal(param.maximum),
                        decimal_places=1,
                        max_digits=5,
                        initial=initial,
                        help_text=param.help,
                    )
                else:
                    self.fields[name] = forms.IntegerField(
                        label=label,
                        min_value=int(param.minimum),
                        max_value=int(param.maximum),
                        initial=initial,
                        help_text=param.help,
                    )
            self.sections.append((indicator, names))

    def values(self) -> dict[str, Any]:
        """The cleaned data as settings keys ("<indicator>.<param>")."""
        return {k.replace("__", "."): v for k, v in self.cleaned_data.items()}

    def section_fields(self) -> list[tuple[Any, list[Any]]]:
        return [(indicator, [self[name] for name in names]) for indicator, names in self.sections]


class ReviewForm(forms.ModelForm):
    """Mark a student "reviewed — support in place"."""

    class Meta:
        model = Review
        fields = ["reviewed_on", "note"]
        labels = {"reviewed_on": "Reviewed on", "note": "Support in place"}
        help_texts = {"reviewed_on": "The day you reviewed the student's support."}
        widgets = {
            "reviewed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_reviewed_on(self) -> datetime.date:
        day = self.cleaned_data["reviewed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Reviewed on cannot be in the future.")
        return day
