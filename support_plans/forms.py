from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.forms.models import fields_for_model, model_to_dict

from core.forms import DateInput, ModelFieldsForm, StaffChoiceField
from people.selectors import staff_users
from support_plans.models import (
    Alert,
    Assessment,
    HomeContact,
    Meeting,
    Party,
    PlanDocument,
    PlanSettings,
    Questionnaire,
    SupportPlan,
    TargetProgress,
    TargetRevision,
    check_review_weeks,
)
from support_plans.questions import questions_for


class PupilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.year_label})"


class PlanOpenForm(forms.ModelForm):
    pupil = PupilChoiceField(queryset=None)
    coordinator = StaffChoiceField(
        queryset=None, help_text="Leads the programme and is alerted if it is failing."
    )

    class Meta:
        model = SupportPlan
        fields = ["pupil", "coordinator", "opened_on", "reason", "relation", "relation_note"]
        widgets = {"opened_on": DateInput(), "reason": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, pupils: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PupilChoiceField, self.fields["pupil"]).queryset = pupils
        cast(StaffChoiceField, self.fields["coordinator"]).queryset = staff_users(organisation)


class PlanFieldsForm(forms.Form):
    """Some of the plan's own fields, built from the model's but a plain form: validating it writes nothing onto
    the plan, so the view hands `plan_update` the plan as it was fetched and the service's checks decide."""

    plan_fields: ClassVar[list[str]] = []
    widgets: ClassVar[dict[str, type[forms.Widget] | forms.Widget]] = {}
    help_texts: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, plan: SupportPlan, **kwargs: Any) -> None:
        kwargs.setdefault("initial", model_to_dict(plan, fields=self.plan_fields))
        super().__init__(*args, **kwargs)
        made = fields_for_model(
            SupportPlan, fields=self.plan_fields, widgets=self.widgets, help_texts=self.help_texts
        )
        declared = dict(self.fields)
        self.fields = {name: declared.get(name) or made[name] for name in self.plan_fields}  # type: ignore[assignment]


class PlanDetailsForm(PlanFieldsForm):
    plan_fields = ["coordinator", "reason", "relation", "relation_note", "length_weeks", "review_weeks"]
    widgets = {"reason": forms.Textarea(attrs={"rows": 4})}
    help_texts = {"review_weeks": "Weeks after the initial meeting, comma separated (e.g. 4,8)."}
    coordinator = StaffChoiceField(queryset=None)

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffChoiceField, self.fields["coordinator"]).queryset = staff_users(organisation)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            check_review_weeks(data.get("length_weeks") or 0, data.get("review_weeks") or "")
        except forms.ValidationError as error:
            for msg in error.message_dict.get("review_weeks", []):
                self.add_error("review_weeks", msg)
        return data


class PackForm(PlanFieldsForm):
    plan_fields = [
        "pre_meeting_summary",
        "voice_like_admire",
        "voice_important",
        "voice_support",
        "voice_feelings",
        "senco_comments",
        "iep_summary",
        "current_adjustments",
    ]
    widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in plan_fields}


class TermsForm(PlanFieldsForm):
    plan_fields = ["rewards", "consequences"]
    widgets = {
        "rewards": forms.Textarea(attrs={"rows": 3}),
        "consequences": forms.Textarea(attrs={"rows": 3}),
    }
    help_texts = {
        "rewards": "Something is only rewarding if the pupil actually wants it; it need not cost money."
    }


class MonitoringForm(forms.Form):
    frequency = forms.ChoiceField(choices=SupportPlan.Monitoring.choices, label="Reports")
    staff = StaffChoiceField(queryset=None, label="Key member of staff")

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffChoiceField, self.fields["staff"]).queryset = staff_users(organisation)


class PartyForm(ModelFieldsForm):
    class Meta:
        model = Party
        fields = ["kind", "agency", "name", "role", "email", "commitments"]
        widgets = {"commitments": forms.Textarea(attrs={"rows": 3})}


class AssessmentsForm(forms.Form):
    def __init__(self, *args: Any, existing: dict[str, Assessment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Assessment.Kind.choices:
            found = existing.get(kind)
            self.fields[f"{kind}_decision"] = forms.ChoiceField(
                label=f"{label}: decision",
                choices=[("", "Not yet considered")] + Assessment.Decision.choices,
                required=False,
                initial=found.decision if found else "",
                help_text=Assessment.CAUTIONS.get(kind, ""),
            )
            self.fields[f"{kind}_notes"] = forms.CharField(
                label=f"{label}: notes",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=found.notes if found else "",
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for kind in Assessment.Kind.values:
            # Notes are kept only with a decision: without one they would be dropped without a word.
            if (data.get(f"{kind}_notes") or "").strip() and not data.get(f"{kind}_decision"):
                self.add_error(
                    f"{kind}_decision",
                    "Choose a decision to keep these notes, or clear the notes to leave this one out.",
                )
        return data

    def decisions(self) -> dict[str, tuple[str, str]]:
        return {
            k: (self.cleaned_data[f"{k}_decision"], self.cleaned_data[f"{k}_notes"])
            for k in Assessment.Kind.values
        }


class QuestionnaireForm(forms.Form):
    kind = forms.ChoiceField(choices=Questionnaire.Kind.choices, label="Questionnaire")
    party: forms.ModelChoiceField[Party] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Who answers it",
        help_text="Or type a name below for someone not yet a party.",
    )
    respondent = forms.CharField(max_length=200, required=False, label="Respondent's name")

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["party"]).queryset = plan.parties.all()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("party") and not (data.get("respondent") or "").strip():
            raise forms.ValidationError("Choose who answers it, or type their name.")
        return data


class AnswersForm(forms.Form):
    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question in questions_for(kind):
            self.fields[key] = forms.CharField(
                label=question, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )


class TargetForm(forms.ModelForm):
    """Every SMART element is asked for; the service refuses a target missing one, naming it."""

    class Meta:
        model = TargetRevision
        fields = list(TargetRevision.WORDING_FIELDS)
        widgets = {
            "due_on": DateInput(),
            **{
                f: forms.Textarea(attrs={"rows": 2})
                for f in ["specific", "achievable", "result", "support", "recognition"]
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in TargetRevision.SMART_FIELDS:
            self.fields[name].help_text = "Required for a SMART target."

    def _post_clean(self) -> None:
        # The service checks the SMART elements (so the message names the missing ones together).
        pass


class ReviseForm(TargetForm):
    reason = forms.CharField(
        max_length=300, label="Why it changed", help_text="e.g. made more challenging at the 4-week review."
    )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(choices=Meeting.Kind.choices, widget=forms.HiddenInput)
    week = forms.TypedChoiceField(
        coerce=int, required=False, choices=(), label="Review point", empty_value=None
    )
    held_on = forms.DateField(widget=DateInput(), label="Held on")
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    attendees: forms.ModelMultipleChoiceField[Party] = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Meeting summary")
    commitments_review = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Each party's commitments reviewed"
    )
    further_measures = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Further measures agreed"
    )

    def __init__(self, *args: Any, plan: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        cast(forms.ModelMultipleChoiceField, self.fields["attendees"]).queryset = plan.parties.all()
        week = cast(forms.TypedChoiceField, self.fields["week"])
        week.choices = [("", "—")] + [(w, f"{w}-week review") for w in plan.review_points]
        if kind != Meeting.Kind.REVIEW:
            del self.fields["week"]
        else:
            self.fields["week"].required = True
        if kind == Meeting.Kind.INITIAL:
            del self.fields["commitments_review"]
            del self.fields["further_measures"]
        else:
            for target in plan.targets.filter(is_active=True):
                self.fields[f"progress_{target.pk}"] = forms.ChoiceField(
                    label=f"Target {target.number}: progress",
                    choices=[("", "Not reviewed")] + TargetProgress.Progress.choices,
                    required=False,
                    help_text=target.current.specific if target.current else "",
                )
                self.fields[f"note_{target.pk}"] = forms.CharField(
                    label=f"Target {target.number}: evidence", required=False, max_length=300
                )

    def progress(self) -> dict[int, tuple[str, str]]:
        return {
            int(k.split("_")[1]): (v, self.cleaned_data.get("note_" + k.split("_")[1], ""))
            for k, v in self.cleaned_data.items()
            if k.startswith("progress_")
        }


class InitialMeetingDateForm(forms.Form):
    held_on = forms.DateField(
        widget=DateInput(),
        label="Held on",
        help_text="The reviews and the final meeting fall due from this date.",
    )


class SignForm(forms.Form):
    party: forms.ModelChoiceField[Party] = forms.ModelChoiceField(queryset=None, label="Who is signing")
    signed_name = forms.CharField(max_length=200, label="Full name, typed as a signature")
    confirm = forms.BooleanField(
        label="I have read the targets and agree to do my part to help the pupil meet them."
    )

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["party"]).queryset = parties


class LinkEmailForm(forms.Form):
    recipient = forms.ChoiceField(
        label="Send the link to",
        widget=forms.RadioSelect,
        help_text="Addresses held for the pupil's contacts with parental responsibility, or for the respondent.",
    )

    def __init__(self, *args: Any, recipients: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["recipient"]).choices = recipients
        if len(recipients) == 1:
            self.fields["recipient"].initial = recipients[0][0]


class LinkSignForm(forms.Form):
    signed_name = forms.CharField(max_length=200, label="Your full name, typed as a signature")
    confirm = forms.BooleanField(label="I have read the targets and agree to do my part to help meet them.")


class CloseForm(ModelFieldsForm):
    class Meta:
        model = SupportPlan
        fields = [
            "outcome",
            "evaluation",
            "continued_monitoring",
            "alternatives_considered",
            "la_consulted_on",
            "la_consultation_notes",
        ]
        widgets = {
            "la_consulted_on": DateInput(),
            **{
                f: forms.Textarea(attrs={"rows": 3})
                for f in [
                    "evaluation",
                    "continued_monitoring",
                    "alternatives_considered",
                    "la_consultation_notes",
                ]
            },
        }
        help_texts = {
            "evaluation": "Judge on the evidence: target progress, behaviour and attendance before and during the plan.",
            "continued_monitoring": "If successful: how staff will continue to support and monitor.",
            "alternatives_considered": "If unsuccessful: the alternative options considered.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = True
        self.fields["evaluation"].required = True


class AlertForm(ModelFieldsForm):
    class Meta:
        model = Alert
        fields = ["parents_contacted_on", "resolution"]
        widgets = {"parents_contacted_on": DateInput(), "resolution": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parents_contacted_on"].required = True
        self.fields["resolution"].required = True


class SettingsForm(ModelFieldsForm):
    class Meta:
        model = PlanSettings
        fields = ["length_weeks", "review_weeks", "records_years_after_leaving", "scores_gap_school_days"]


# --- Arranged in advance, and the documents beside the plan ---------------------------------


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label="Meeting", choices=Meeting.Kind.choices)
    week = forms.TypedChoiceField(
        label="Review point", coerce=int, empty_value=None, required=False, help_text="For a review meeting."
    )
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(label="Length in minutes", min_value=10, max_value=240, initial=45)
    place = forms.CharField(
        max_length=200, required=False, help_text="For example: Meeting room 2, main site."
    )
    video_link = forms.URLField(
        label="Video link", required=False, assume_scheme="https", help_text="For those joining online."
    )

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        week = cast(forms.TypedChoiceField, self.fields["week"])
        week.choices = [("", "—")] + [(w, f"{w}-week review") for w in plan.review_points]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("place") or "").strip() and not (data.get("video_link") or "").strip():
            raise forms.ValidationError("Give a place, a video link, or both.")
        if data.get("kind") == Meeting.Kind.REVIEW and not data.get("week"):
            self.add_error("week", "Say which review point this meeting is.")
        return data


class HomeContactForm(forms.Form):
    occurred_on = forms.DateField(label="Date", widget=DateInput())
    direction = forms.ChoiceField(choices=HomeContact.Direction.choices)
    method = forms.ChoiceField(choices=HomeContact.Method.choices)
    with_whom = forms.CharField(label="With", max_length=200, help_text="For example: Mrs Archer (mother).")
    summary = forms.CharField(label="What was said or agreed", widget=forms.Textarea(attrs={"rows": 4}))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Document", choices=PlanDocument.Kind.choices)
    title = forms.CharField(max_length=200, required=False, help_text="Optional: how it is listed.")
    file = forms.FileField(help_text="PDF, Word, Excel, PowerPoint, PNG, JPEG or plain text; at most 10 MB.")


class PassportForm(forms.Form):
    how_i_communicate = forms.CharField(label="How I communicate", widget=forms.Textarea(attrs={"rows": 3}))
    what_helps = forms.CharField(label="What helps me", widget=forms.Textarea(attrs={"rows": 3}))
    what_does_not_help = forms.CharField(
        label="What does not help me", widget=forms.Textarea(attrs={"rows": 3})
    )
    who_to_talk_to = forms.CharField(
        label="Who I talk to when I need help", widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionForm(forms.Form):
    description = forms.CharField(label="Action", max_length=300)
    owner = StaffChoiceField(queryset=None, label="Who does it")
    due_on = forms.DateField(label="Due by", widget=DateInput())

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffChoiceField, self.fields["owner"]).queryset = staff_users(organisation)
