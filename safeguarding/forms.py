from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.forms import DateInput
from safeguarding.models import (
    Action,
    ActionDone,
    Agency,
    ChronologyEntry,
    Concern,
    ConcernLink,
    Decision,
    MeetingAction,
    MeetingAttendance,
    ProtectionStatus,
    Referral,
    ReferralUpdate,
    SafetyNetMeeting,
    SubjectAccessDecision,
)
from safeguarding.selectors import FLAG_ROLE_CHOICES
from safeguarding.selectors.pupils import by_shown_name, pupil_label, with_tutor_groups

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
ISO_DATE = "%Y-%m-%d"  # what <input type="date"> shows and sends, whatever the locale
# A status decided for a later day takes effect then (`selectors.current_status`), e.g. at the next review
# conference, at most six months away; a date further ahead is a slip of the year.
STATUS_AHEAD = datetime.timedelta(days=183)


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%b %Y}"


def _not_future(value: datetime.date | None, what: str) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{what} cannot be in the future.")


def _not_before_birth(
    value: datetime.date | None, pupil: Any, what: str, *, shows_birth: bool = True
) -> None:
    if value and pupil is not None and value < pupil.date_of_birth:
        # Named only to someone who may see the child's record: a concern about any child may be logged.
        born = f" ({_day(pupil.date_of_birth)})" if shows_birth else ""
        raise forms.ValidationError(f"{what} cannot be before the child was born{born}.")


class _ByShownNameIterator(forms.models.ModelChoiceIterator):
    """The children in the order of the name shown (preferred surname, then forename), not the legal name."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pupil in sorted(self.queryset, key=by_shown_name):
            yield self.choice(pupil)


class ConcernForm(forms.ModelForm):
    attachment = forms.FileField(
        required=False,
        help_text="Optional: a photo of a note, a screenshot or a document (PDF, PNG, JPG, DOCX, TXT; up to 10 MB). "
        "No body maps.",
    )

    class Meta:
        model = Concern
        fields = [
            "pupil",
            "category",
            "happened_at",
            "location",
            "seen_or_heard",
            "child_words",
            "others_present",
        ]
        widgets = {
            "happened_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
            "seen_or_heard": forms.Textarea(attrs={"rows": 5}),
            "child_words": forms.Textarea(attrs={"rows": 3}),
            "others_present": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "seen_or_heard": "Facts, as you saw or heard them. Do not investigate or ask leading questions.",
            "child_words": "Write what the child said word for word, even if it seems odd.",
        }

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        """`pupils`: `selectors.pupils.concern_choices`, each annotated `may_see`."""
        super().__init__(*args, **kwargs)
        choice = cast(forms.ModelChoiceField, self.fields["pupil"])
        choice.iterator = _ByShownNameIterator
        # Two children can share a name: each choice says which child it is, by year and tutor group; the date of
        # birth only for a pupil the user may already see (staff may log about any child on roll).
        choice.queryset = with_tutor_groups(pupils)
        choice.label_from_instance = lambda p: pupil_label(p, born=getattr(p, "may_see", False))  # type: ignore[method-assign,assignment]
        choice.label = "Pupil"
        cast(forms.DateTimeField, self.fields["happened_at"]).input_formats = [DATETIME_FORMAT]

    def clean_happened_at(self) -> Any:
        value = self.cleaned_data["happened_at"]
        if value and value > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError("When it happened cannot be in the future.")
        return value

    def _pupil(self) -> Any:
        return self.cleaned_data.get("pupil")

    def _shows_birth(self) -> bool:
        return bool(getattr(self._pupil(), "may_see", False))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        when = data.get("happened_at")
        try:
            _not_before_birth(
                when and timezone.localtime(when).date(),
                self._pupil(),
                "When it happened",
                shows_birth=self._shows_birth(),
            )
        except forms.ValidationError as error:
            self.add_error("happened_at", error)
        return data


class CorrectionForm(ConcernForm):
    correction_reason = forms.CharField(
        label="What this corrects, and why", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    class Meta(ConcernForm.Meta):
        fields = ["category", "happened_at", "location", "seen_or_heard", "child_words", "others_present"]

    def __init__(self, *args: Any, pupil: Any, shows_birth: bool, **kwargs: Any) -> None:
        forms.ModelForm.__init__(self, *args, **kwargs)
        self.pupil, self.shows_birth = pupil, shows_birth
        cast(forms.DateTimeField, self.fields["happened_at"]).input_formats = [DATETIME_FORMAT]
        del self.fields["attachment"]

    def _pupil(self) -> Any:
        return self.pupil

    def _shows_birth(self) -> bool:
        return self.shows_birth


class DecisionForm(forms.ModelForm):
    prefix = "decision"  # on the concern's page with the link form, which also has a `reason`

    class Meta:
        model = Decision
        fields = ["outcome", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"reason": {"required": "Give the reason for this decision (KCSIE requires it)."}}


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["description", "owner", "due_on"]
        widgets = {"due_on": DateInput()}
        labels = {"description": "Action", "owner": "Who will do it", "due_on": "Due by"}

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = get_user_model().objects.filter(role_assignments__organisation_id=organisation_id).distinct()
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = staff.order_by("full_name")
        owner.label_from_instance = lambda u: u.full_name  # type: ignore[method-assign,assignment]

    def clean_due_on(self) -> Any:
        # Actions are only ever added (never edited), so every one is new: it cannot already be overdue.
        value = self.cleaned_data["due_on"]
        if value and value < timezone.localdate():
            raise forms.ValidationError("The date it is due by cannot be in the past.")
        return value


class EntryForm(forms.ModelForm):
    class Meta:
        model = ChronologyEntry
        fields = ["kind", "occurred_on", "summary"]
        widgets = {
            "occurred_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, pupil: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pupil = pupil

    def clean_occurred_on(self) -> Any:
        value = self.cleaned_data["occurred_on"]
        _not_future(value, "The date it occurred")
        _not_before_birth(value, self.pupil, "The date it occurred")
        return value


class StatusForm(forms.ModelForm):
    class Meta:
        model = ProtectionStatus
        fields = ["status", "starts_on", "note"]
        widgets = {
            "starts_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"starts_on": "From"}

    def __init__(self, *args: Any, pupil: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pupil = pupil

    def clean_starts_on(self) -> Any:
        value = self.cleaned_data["starts_on"]
        if value and value > timezone.localdate() + STATUS_AHEAD:
            raise forms.ValidationError(
                "A status can be recorded up to six months ahead (it takes effect on that date), no further: "
                "check the year."
            )
        _not_before_birth(value, self.pupil, "The date it starts")
        return value


class SettingsForm(forms.Form):
    flag_roles = forms.MultipleChoiceField(
        choices=FLAG_ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Besides the DSL team, show the discreet child-protection flag to",
    )


class ActionDoneForm(forms.ModelForm):
    class Meta:
        model = ActionDone
        fields = ["done_on", "note"]
        widgets = {"done_on": DateInput(), "note": forms.TextInput()}
        labels = {"done_on": "Done on"}


class LinkForm(forms.Form):
    prefix = "link"  # on the concern's page with the decision form, which also has a `reason`

    linked = forms.IntegerField(label="Concern number to link", min_value=1)
    reason = forms.ChoiceField(label="How they are connected", choices=ConcernLink.Reason.choices)


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "kind", "contact", "awaits", "response_days", "working_days", "active"]
        widgets = {"contact": forms.Textarea(attrs={"rows": 3})}


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["agency", "made_on", "reason", "consent", "consent_note"]
        widgets = {
            "made_on": forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
            "reason": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"made_on": "Made on", "reason": "Why the child is referred"}
        error_messages = {"reason": {"required": "Say why the child is referred."}}

    def __init__(self, *args: Any, agencies: Any, pupil: Any, concern: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies
        self.pupil, self.concern = pupil, concern

    def clean_made_on(self) -> Any:
        value = self.cleaned_data["made_on"]
        _not_future(value, "The date made")
        _not_before_birth(value, self.pupil, "The date made")
        # From when it happened, not when it was logged: in an emergency the DSL refers first and writes after.
        happened = self.concern and timezone.localtime(self.concern.happened_at).date()
        if value and happened and value < happened:
            raise forms.ValidationError(
                f"The date made cannot be before the concern it comes from happened ({_day(happened)})."
            )
        return value


class ReferralUpdateForm(forms.ModelForm):
    class Meta:
        model = ReferralUpdate
        fields = ["status", "on", "reference", "note"]
        widgets = {
            "on": forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"on": "On"}

    def clean_on(self) -> Any:
        # Not before the referral was made: `services.referral_update` checks that, for every caller.
        value = self.cleaned_data["on"]
        _not_future(value, "The date")
        return value


class TransferForm(forms.Form):
    to_organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]  # set in __init__
        required=False,
        label="A school that uses Pastoral (optional)",
        help_text="Its DSL team sees the file in Pastoral and confirms receipt there.",
    )
    to_school = forms.CharField(label="Receiving school", max_length=200, required=False)
    to_name = forms.CharField(label="Receiving DSL", max_length=200)
    to_email = forms.EmailField(label="Receiving DSL's e-mail")

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from organisations.models import Organisation

        schools = Organisation.objects.filter(kind__in=["school", "college"]).exclude(pk=organisation_id)
        cast(forms.ModelChoiceField, self.fields["to_organisation"]).queryset = schools.order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("to_school") and not data.get("to_organisation"):
            self.add_error("to_school", "Name the receiving school, or choose it from the list.")
        return data


class ReceiptForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=200)


class MeetingForm(forms.ModelForm):
    twice = forms.BooleanField(
        required=False,
        label="Schedule both of this term's meetings (a third and two thirds of the way through)",
    )

    class Meta:
        model = SafetyNetMeeting
        fields = ["area", "on", "site", "year_group", "group"]
        widgets = {"on": forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)}
        labels = {"on": "Date", "year_group": "Year group (optional)", "group": "Curriculum group (optional)"}

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from organisations.models import Site
        from people.models import Group

        cast(forms.ModelChoiceField, self.fields["site"]).queryset = Site.objects.filter(
            organisation_id=organisation_id
        )
        groups = Group.objects.filter(organisation_id=organisation_id).order_by("name")
        cast(forms.ModelChoiceField, self.fields["group"]).queryset = groups


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = MeetingAttendance
        fields = ["name", "role", "present"]


class MinuteForm(forms.Form):
    pupil = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label="Minute", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class MeetingActionForm(ActionForm):
    pupil = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta(ActionForm.Meta):
        model = MeetingAction  # type: ignore[assignment]  # the same three fields, on a meeting's action


class SubjectAccessForm(forms.ModelForm):
    class Meta:
        model = SubjectAccessDecision
        fields = ["scope", "reason"]
        widgets = {"scope": forms.RadioSelect, "reason": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"reason": {"required": "Give the reason for this decision."}}


class DestroyForm(forms.Form):
    reason = forms.CharField(
        label="The reason, without personal details (kept on the record of the destruction)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the file is destroyed."},
    )
    confirm = forms.BooleanField(
        label="I have reviewed this file and it is to be destroyed: this cannot be undone",
        error_messages={"required": "Tick to confirm that the file is to be destroyed."},
    )


class HoldForm(forms.Form):
    reason = forms.CharField(
        label="Why (an inquiry, a claim, a police request — no personal details)",
        max_length=300,
        error_messages={"required": "Say why."},
    )
