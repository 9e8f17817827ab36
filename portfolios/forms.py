from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms

from accounts.models import User
from core.forms import DateInput
from portfolios.models import DifficultIssue, EvaluationResponse, Outcome, SampleItem, normalise_code
from portfolios.services.meetings import check_meeting_date
from qualifications.models import Edition

REFLECTION_PROMPTS = [
    ("what", "What did you do, and what happened?"),
    ("learned", "What did you learn about your practice or your pupils?"),
    ("next", "What will you do differently, and how will you know it worked?"),
    ("module", "How does this connect with the module's training and reading?"),
]
RECORD_FIELDS = [
    ("date", "Date"),
    ("context", "Who and where (class, year group, setting)"),
    ("focus", "Focus"),
    ("observed", "What you observed or discussed"),
    ("learning", "What you learned and will follow up"),
]


class EntryForm(forms.Form):
    body = forms.CharField(
        label="Your entry",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Paragraphs, bold, italics, lists and links are kept; anything else is removed.",
    )

    def __init__(self, *args: Any, activity: Any, aspiring_alternative: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activity = activity
        if activity.kind == "choice":
            alternatives = activity.alternatives or []
            if alternatives:
                self.fields["alternative"] = forms.ChoiceField(
                    label="Which alternative did you complete?",
                    required=False,
                    choices=[("", "Choose an alternative")] + [(a, a) for a in alternatives],
                )
            else:
                self.fields["alternative"] = forms.CharField(
                    label="Which alternative did you complete?",
                    required=False,
                    max_length=300,
                    help_text="Name the alternative you chose.",
                )
        if activity.is_structured_reflection:
            for key, label in REFLECTION_PROMPTS:
                self.fields[f"reflection_{key}"] = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs={"rows": 4})
                )
        if activity.kind == "minimum":
            for key, label in RECORD_FIELDS:
                widget = DateInput() if key == "date" else forms.Textarea(attrs={"rows": 3})
                self.fields[f"record_{key}"] = forms.CharField(label=label, required=False, widget=widget)
        if activity.requires_difficult_issue:
            answers = [DifficultIssue.YES, DifficultIssue.NO]
            if aspiring_alternative:
                answers.append(DifficultIssue.ALTERNATIVE)
            self.fields["difficult_issue"] = forms.ChoiceField(
                label="Did this conversation address a difficult issue?",
                required=False,
                choices=[("", "Choose an answer")] + [(a.value, a.label) for a in answers],
                help_text="Needed to mark the record complete. At least one record must address a difficult issue"
                + (
                    f"; as an aspiring participant you may instead record the alternative: "
                    f"{activity.aspiring_alternative}."
                    if aspiring_alternative
                    else "."
                ),
            )

    def reflection(self) -> dict[str, str]:
        return {
            k: self.cleaned_data.get(f"reflection_{k}", "")
            for k, _ in REFLECTION_PROMPTS
            if f"reflection_{k}" in self.fields
        }

    def record(self) -> dict[str, str]:
        return {
            k: self.cleaned_data.get(f"record_{k}", "")
            for k, _ in RECORD_FIELDS
            if f"record_{k}" in self.fields
        }

    @staticmethod
    def initial_for(entry: Any) -> dict[str, Any]:
        if entry is None:
            return {}
        data: dict[str, Any] = {
            "body": entry.body,
            "alternative": entry.alternative,
            "difficult_issue": entry.difficult_issue,
        }
        data.update({f"reflection_{k}": v for k, v in entry.reflection.items()})
        data.update({f"record_{k}": v for k, v in entry.record.items()})
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Attach a file", help_text="PDF, Word, Excel, PowerPoint, PNG, JPEG or text; up to 10 MB."
    )

    def __init__(self, *args: Any, optional: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # On the entry form the file is optional: the same form also saves drafts and marks entries complete.
        self.fields["file"].required = not optional


class CommentForm(forms.Form):
    """Its own ids (`id_comment_body`), so its label never points at the entry's `id_body` on the same page."""

    body = forms.CharField(label="Comment", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_comment_%s")
        super().__init__(*args, **kwargs)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="Date of the meeting", widget=DateInput())
    minutes = forms.IntegerField(label="Length in minutes", min_value=5, max_value=480)
    topics = forms.CharField(
        label="Topics discussed", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    agreed_actions = forms.CharField(
        label="Agreed actions", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_held_on(self) -> datetime.date:
        # Checked with the other fields, so one submit reports a future date beside a missing topic.
        held_on: datetime.date = self.cleaned_data["held_on"]
        check_meeting_date(held_on=held_on, today=self.today)
        return held_on


class StatementForm(forms.Form):
    body = forms.CharField(
        label="Supporting statement",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Written after reviewing the portfolio: the participant's engagement, growth and practice.",
    )


class ExtensionForm(forms.Form):
    until = forms.DateField(label="Extended deadline", widget=DateInput())
    reason = forms.CharField(label="Reason", max_length=300)


class AllocationForm(forms.Form):
    reviewers: forms.ModelMultipleChoiceField[User] = forms.ModelMultipleChoiceField(
        label="Reviewers",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Submitted portfolios are shared out so each reviewer's load stays even.",
    )

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds per-form copies typed as plain Field; this one is the field declared above.
        field = cast("forms.ModelMultipleChoiceField[User]", self.fields["reviewers"])
        field.queryset = reviewers
        field.label_from_instance = lambda obj: obj.full_name  # type: ignore[method-assign]  # per-instance override


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome for the whole portfolio", choices=Outcome.choices, widget=forms.RadioSelect
    )
    feedback = forms.CharField(
        label="Feedback for the participant", max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )
    rating = forms.TypedChoiceField(
        label="Strength of the portfolio",
        coerce=int,
        choices=[(1, "1 – weakest"), (2, "2"), (3, "3"), (4, "4"), (5, "5 – strongest")],
        help_text="Used to include the strongest and weakest in the moderation sample.",
    )
    borderline = forms.BooleanField(
        label="Borderline: I would like the moderator to look at this", required=False
    )

    def __init__(self, *args: Any, modules: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules = modules
        for module in modules:
            self.fields[f"module_{module.pk}_outcome"] = forms.ChoiceField(
                label=f"Module {module.number}: outcome", choices=Outcome.choices, widget=forms.RadioSelect
            )
            self.fields[f"module_{module.pk}_feedback"] = forms.CharField(
                label=f"Module {module.number}: feedback",
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def judgements(self) -> dict[int, tuple[str, str]]:
        return {
            m.pk: (self.cleaned_data[f"module_{m.pk}_outcome"], self.cleaned_data[f"module_{m.pk}_feedback"])
            for m in self.modules
        }


class SampleForm(forms.Form):
    edition: forms.ModelChoiceField[Edition] = forms.ModelChoiceField(label="Edition", queryset=None)
    seed = forms.IntegerField(
        label="Random number to draw an earlier sample again (optional)",
        required=False,
        min_value=1,
        help_text="Leave blank for a new sample; give the random number an earlier sample shows to draw the same "
        "sample again.",
    )

    def __init__(self, *args: Any, editions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds per-form copies typed as plain Field; this one is the field declared above.
        cast("forms.ModelChoiceField[Edition]", self.fields["edition"]).queryset = editions


class ModerationForm(forms.Form):
    verdict = forms.ChoiceField(
        label="Do you agree with the reviewer's outcome?",
        choices=SampleItem.Verdict.choices,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when you disagree.",
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label="Final outcome", choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Resolution", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class RevokeForm(forms.Form):
    reason = forms.CharField(label="Reason for revoking", max_length=300)


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = EvaluationResponse
        fields = [
            "training_rating",
            "mentor_rating",
            "portfolio_rating",
            "impact_rating",
            "most_useful",
            "improve",
        ]
        labels = {
            "training_rating": "How useful were the training days or sessions? (1 not at all – 5 very)",
            "mentor_rating": "How useful was your mentor's support? (1–5)",
            "portfolio_rating": "How useful was building the portfolio? (1–5)",
            "impact_rating": "How much has the programme changed your practice? (1–5)",
            "most_useful": "What was most useful?",
            "improve": "What should we improve?",
        }
        widgets = {
            "training_rating": forms.RadioSelect,
            "mentor_rating": forms.RadioSelect,
            "portfolio_rating": forms.RadioSelect,
            "impact_rating": forms.RadioSelect,
            "most_useful": forms.Textarea(attrs={"rows": 3}),
            "improve": forms.Textarea(attrs={"rows": 3}),
        }


class VerifyLookupForm(forms.Form):
    code = forms.CharField(
        label="Verification code",
        max_length=40,
        help_text="The 12 letters and digits on the certificate; spaces and hyphens do not matter.",
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Enter the verification code from the certificate.")
        return code
