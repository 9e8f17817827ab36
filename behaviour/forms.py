from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone

from behaviour.models import BehaviourCategory, Incident, NoticeAddresses, ReportCard, ReportEntry, Suspension
from behaviour.selectors import decision_makers, pupil_incidents, school_categories
from core.forms import DateInput, ModelFieldsForm, RenamedModelFieldsMixin, StaffChoiceField
from people.selectors import staff_users


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = f"{obj.name} ({obj.get_kind_display().lower()})" if obj.kind else obj.name
        return f"{label} — retired" if obj.is_retired else label


class PupilChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.year_label})"


# How far ahead of the server's clock a time may be: a device whose clock runs a little fast, not a later day.
CLOCK_SKEW = datetime.timedelta(minutes=5)
SEVERITY_RANGE = "Severity is from 1 (minor) to 5 (most serious)."


class IncidentForm(ModelFieldsForm):
    pupils = PupilChoices(queryset=None, help_text="Everyone involved. Hold Ctrl (or Cmd) to choose several.")
    staff = StaffChoiceField(queryset=None, label="Member of staff")
    category = CategoryChoiceField(queryset=None, help_text="The school's own list (Behaviour › Categories).")
    # Declared rather than taken from the model: a PositiveSmallIntegerField's form field says min="0".
    severity = forms.IntegerField(
        min_value=1,
        max_value=5,
        help_text=Incident._meta.get_field("severity").help_text,
        error_messages={"min_value": SEVERITY_RANGE, "max_value": SEVERITY_RANGE},
    )

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
            "description": forms.Textarea(attrs={"rows": 4}),
            "actions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, pupils: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PupilChoices, self.fields["pupils"]).queryset = pupils
        self.fields["pupils"].widget.attrs["size"] = 10
        cast(StaffChoiceField, self.fields["staff"]).queryset = staff_users(organisation)
        keep = self.instance.category if self.instance else None
        cast(CategoryChoiceField, self.fields["category"]).queryset = school_categories(
            organisation.pk, keep=keep
        )
        occurred_at = cast(forms.DateTimeField, self.fields["occurred_at"])
        occurred_at.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean_occurred_at(self) -> datetime.datetime:
        occurred_at: datetime.datetime = self.cleaned_data["occurred_at"]
        if occurred_at > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError(
                "This is in the future: give the date and time the incident happened."
            )
        return occurred_at


class IncidentFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds")] + Incident.Kind.choices, required=False)
    category = CategoryChoiceField(
        queryset=BehaviourCategory.objects.none(), required=False, empty_label="All categories"
    )
    start = forms.DateField(required=False, label="From", widget=DateInput())
    end = forms.DateField(required=False, label="To", widget=DateInput())

    def __init__(self, *args: Any, organisation_ids: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CategoryChoiceField, self.fields["category"]).queryset = BehaviourCategory.objects.filter(
            organisation_id__in=list(organisation_ids)
        ).order_by("is_retired", "position", "name")


class ReportCardForm(RenamedModelFieldsMixin, forms.ModelForm):
    renamed_fields = {"targets": "targets_text"}
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
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffChoiceField, self.fields["key_staff"]).queryset = staff_users(organisation)

    def clean_targets_text(self) -> list[str]:
        targets = [line.strip() for line in self.cleaned_data["targets_text"].splitlines() if line.strip()]
        if not targets:
            raise forms.ValidationError("Give at least one target.")
        return targets


class ReportScoresForm(forms.Form):
    date = forms.DateField(widget=DateInput())
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


class IncidentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.occurred_at:%d %b %Y}: {obj.category} — {obj.description[:60]}"


class SuspensionFields(ModelFieldsForm):
    """Who decided (the headteacher) and the incident it follows, chosen from the pupil's school."""

    decided_by = StaffChoiceField(
        queryset=None,
        label="Decided by",
        help_text="The headteacher (or the acting headteacher) who made the decision; you are recorded as entering it.",
    )
    incident = IncidentChoiceField(
        queryset=None,
        required=False,
        label="Incident",
        help_text="The incident in the pupil's behaviour log that led to it, if there is one.",
    )

    def _set_choices(self, pupil: Any) -> None:
        keep = self.instance.decided_by_id if self.instance else None
        cast(StaffChoiceField, self.fields["decided_by"]).queryset = decision_makers(
            pupil.organisation, keep=keep
        )
        cast(IncidentChoiceField, self.fields["incident"]).queryset = pupil_incidents(pupil).filter(
            organisation=pupil.organisation
        )


class SuspensionForm(SuspensionFields):
    class Meta:
        model = Suspension
        fields = [
            "kind",
            "decided_by",
            "incident",
            "starts_on",
            "ends_on",
            "leaves_roll_on",
            "sessions",
            "reason",
            "details",
            "parents_informed",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "leaves_roll_on": DateInput(),
            "details": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, pupil: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices(pupil)


class SuspensionEditForm(SuspensionFields):
    """Change the dates or details; the kind stays (withdraw and record again to change it)."""

    class Meta:
        model = Suspension
        fields = [
            "decided_by",
            "incident",
            "starts_on",
            "ends_on",
            "leaves_roll_on",
            "sessions",
            "reason",
            "details",
            "parents_informed",
        ]
        widgets = SuspensionForm.Meta.widgets

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices(self.instance.pupil)
        if self.instance.kind == Suspension.Kind.PERMANENT:
            del self.fields["ends_on"]
        else:
            del self.fields["leaves_roll_on"]
            self.fields["ends_on"].required = True
            self.fields["ends_on"].help_text = "Shortening or extending changes the attendance register too."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A permanent exclusion's form has no end date; the service is told so rather than keeping an old one.
        if self.instance.kind == Suspension.Kind.PERMANENT:
            data["ends_on"] = None
        return data


class SuspensionWithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is it withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: rescinded by the headteacher; governors reinstated the pupil on review.",
    )
    confirm = forms.BooleanField(
        label="I understand the suspension is withdrawn and its E marks become N for the office to establish.",
        error_messages={"required": "Tick the box to confirm."},
    )


class CategoryForm(ModelFieldsForm):
    class Meta:
        model = BehaviourCategory
        fields = ["name", "kind", "position", "is_retired"]
        labels = {"kind": "For which kind of entry", "is_retired": "Retired (not offered for new entries)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [("", "Any kind")] + list(Incident.Kind.choices)
        if self.instance is None:
            del self.fields["is_retired"]
            self.fields["position"].required = False


class NoticeSendForm(forms.Form):
    misses_exam = forms.BooleanField(
        label="The pupil will miss a public examination or national curriculum test",
        required=False,
        help_text="Then the governing board and the local authority are told without delay.",
    )


class NoticeAddressesForm(forms.ModelForm):
    class Meta:
        model = NoticeAddresses
        fields = ["governors_email", "local_authority_email"]
