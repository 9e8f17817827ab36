from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from behaviour.models import Incident, ReportCard, ReportEntry, Suspension


def staff_users(organisation: Any):
    return (
        get_user_model()
        .objects.filter(staff_records__organisation=organisation, staff_records__is_active=True)
        .order_by("full_name")
        .distinct()
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.email


class PupilChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.year_label})"


class IncidentForm(forms.ModelForm):
    pupils = PupilChoices(queryset=None, help_text="Everyone involved. Hold Ctrl (or Cmd) to choose several.")
    staff = StaffChoiceField(queryset=None, label="Member of staff")

    class Meta:
        model = Incident
        fields = [
            "pupils",
            "kind",
            "category",
            "severity",
            "occurred_at",
            "place",
            "lesson",
            "staff",
            "description",
            "actions",
            "parents_contacted",
            "parents_contacted_how",
        ]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "severity": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "actions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, pupils: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils
        self.fields["pupils"].widget.attrs["size"] = 10
        self.fields["staff"].queryset = staff_users(organisation)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class IncidentFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds")] + Incident.Kind.choices, required=False)
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ReportCardForm(forms.ModelForm):
    key_staff = StaffChoiceField(queryset=None, label="Key member of staff")
    targets_text = forms.CharField(
        label="Targets",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One target per line; each lesson scores the pupil against every target.",
    )

    class Meta:
        model = ReportCard
        fields = ["frequency", "key_staff", "targets_text", "starts_on", "ends_on", "purpose"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key_staff"].queryset = staff_users(organisation)

    def clean_targets_text(self) -> list[str]:
        targets = [line.strip() for line in self.cleaned_data["targets_text"].splitlines() if line.strip()]
        if not targets:
            raise forms.ValidationError("Give at least one target.")
        return targets


class ReportScoresForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    lesson = forms.CharField(max_length=100, help_text="Subject or period, e.g. “P2 Maths”.")

    def __init__(self, *args: Any, card: ReportCard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.card = card
        for i, target in enumerate(card.targets):
            self.fields[f"score_{i}"] = forms.TypedChoiceField(
                label=f"Target {i + 1}: {target}",
                choices=ReportEntry.Score.choices,
                coerce=int,
            )
            self.fields[f"comment_{i}"] = forms.CharField(
                label=f"Comment on target {i + 1}", required=False, max_length=300
            )

    def scores(self) -> dict[int, int]:
        return {i: self.cleaned_data[f"score_{i}"] for i in range(len(self.card.targets))}

    def comments(self) -> dict[int, str]:
        return {i: self.cleaned_data.get(f"comment_{i}", "") for i in range(len(self.card.targets))}


class SuspensionForm(forms.ModelForm):
    class Meta:
        model = Suspension
        fields = ["kind", "starts_on", "ends_on", "sessions", "reason", "details", "parents_informed"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "details": forms.Textarea(attrs={"rows": 4}),
        }
