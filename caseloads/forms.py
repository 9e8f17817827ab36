"""Forms for caseloads, group sessions and LPRs: each error lands on the field it is about."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model

from access.models import RoleAssignment
from access.roles import Role
from attendance.forms import DateInput
from caseloads.models import CaseloadSettings, ReviewWindow, StageOneMeeting, Term, Topic
from core.forms import NaturalModelChoiceField
from people.models import Group


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class PalField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.email


class TopicField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.academic_year} {Term(obj.term).label}: {obj.title}"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class AssignForm(forms.Form):
    pal = PalField(queryset=get_user_model().objects.none(), label="Pastoral & Attendance Lead")
    group = NaturalModelChoiceField(queryset=Group.objects.none())

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pals = (
            RoleAssignment.objects.current()
            .filter(organisation=organisation, role=Role.PAL)
            .values("user_id")
        )
        _choice(self, "pal").queryset = get_user_model().objects.filter(pk__in=pals).order_by("full_name")
        _choice(self, "group").queryset = Group.objects.filter(organisation=organisation)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CaseloadSettings
        fields = ["min_groups", "max_groups", "entitlement", "stage_one_letter"]
        widgets = {"stage_one_letter": forms.Textarea(attrs={"rows": 12})}


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["term", "title", "year_group", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class WindowForm(forms.ModelForm):
    class Meta:
        model = ReviewWindow
        fields = ["opens_on", "closes_on"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}


class SessionForm(forms.Form):
    date = forms.DateField(widget=DateInput())
    starts_at = forms.TimeField(label="Starts at", widget=TimeInput())
    ends_at = forms.TimeField(label="Ends at", widget=TimeInput())
    room = forms.CharField(max_length=50, required=False)
    topic = TopicField(queryset=Topic.objects.none(), required=False, help_text="From the programme.")

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "topic").queryset = Topic.objects.filter(organisation=organisation).select_related(
            "academic_year"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "The session must end after it starts.")
        return data


class RecordForm(forms.Form):
    """Who attended (every member ticked to begin with), notes and resources."""

    attended = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple, label="Who attended"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    resources = forms.CharField(
        label="Resources used", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, pupils: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["attended"]).choices = [
            (str(p.pk), p.display_name) for p in pupils
        ]
        self.fields["attended"].initial = [str(p.pk) for p in pupils]


class ReviewStartForm(forms.Form):
    window = forms.ModelChoiceField(
        queryset=ReviewWindow.objects.none(),
        label="Review window",
        error_messages={
            "invalid_choice": "Choose a review window that has opened: a later one cannot start yet."
        },
    )
    held_on = forms.DateField(label="Held on", widget=DateInput())

    def __init__(self, *args: Any, windows: list[ReviewWindow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "window").queryset = ReviewWindow.objects.filter(pk__in=[w.pk for w in windows])


class ReviewForm(forms.Form):
    student_voice = forms.CharField(
        label="The student's own voice", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    comment = forms.CharField(
        label="The PAL's comment", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    risk = forms.ChoiceField(
        label="Risk of withdrawal",
        choices=[("", "Not rated yet"), ("low", "Low"), ("medium", "Medium"), ("high", "High")],
        required=False,
    )


class TargetForm(forms.Form):
    """A SMART target: every element asked for (the service names any missing together)."""

    specific = forms.CharField(
        label="Specific: what the student will do", widget=forms.Textarea(attrs={"rows": 2})
    )
    measure = forms.CharField(label="Measurable: how it is measured", max_length=300)
    baseline = forms.CharField(label="Measurable: the baseline now", max_length=300)
    achievable = forms.CharField(
        label="Achievable: why it is within reach", widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.CharField(
        label="Results-focused: the result it leads to", widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label="Time-bound: met by", widget=DateInput())


class ActionForm(forms.Form):
    action = forms.CharField(max_length=300, label="Agreed action")
    owner = forms.CharField(max_length=150, label="Who will do it")
    due_on = forms.DateField(label="By when", widget=DateInput())


class AddendumForm(forms.Form):
    text = forms.CharField(label="Addendum", widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(forms.Form):
    """One rating and comment per earlier target (fields `rating_<id>`, `comment_<id>`)."""

    def __init__(self, *args: Any, targets: list[Any], current: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets
        choices = [("", "Not judged"), ("met", "Met"), ("partly", "Partly met"), ("not_met", "Not met")]
        for t in targets:
            now = current.get(t.pk)
            self.fields[f"rating_{t.pk}"] = forms.ChoiceField(
                choices=choices,
                required=False,
                label=f"Progress on: {t.specific[:80]}",
                initial=now.rating if now else "",
            )
            self.fields[f"comment_{t.pk}"] = forms.CharField(
                required=False, label=f"Comment on: {t.specific[:60]}", initial=now.comment if now else ""
            )

    def ratings(self) -> dict[int, tuple[str, str]]:
        return {
            t.pk: (self.cleaned_data[f"rating_{t.pk}"], self.cleaned_data[f"comment_{t.pk}"])
            for t in self.targets
        }


class StageOneForm(forms.ModelForm):
    incident: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, help_text="When raised from an incident."
    )

    class Meta:
        model = StageOneMeeting
        fields = [
            "raised_from",
            "incident",
            "held_on",
            "concern",
            "student_attended",
            "parent_invited",
            "parent_attended",
            "outcome",
            "targets",
            "review_on",
        ]
        widgets = {
            "held_on": DateInput(),
            "review_on": DateInput(),
            "concern": forms.Textarea(attrs={"rows": 3}),
            "targets": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, pupil: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from behaviour.models import Incident

        _choice(self, "incident").queryset = Incident.objects.filter(
            organisation_id=pupil.organisation_id, links__pupil=pupil
        ).order_by("-occurred_at")
