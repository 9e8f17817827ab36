from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.utils import timezone

from core.forms import DateInput, ModelFieldsForm, StaffChoiceField
from organisations.models import AcademicYear
from people.selectors import staff_users
from qualifications.models import (
    Activity,
    Cluster,
    DeliveryModel,
    Edition,
    FeeRule,
    InvoiceSettings,
    MentorTrainingSession,
    Module,
    Programme,
    SafeguardingTraining,
    TrainingDay,
)
from qualifications.services.catalogue import check_mentor_session_times

User = get_user_model()


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The named field, which is a ModelChoiceField: django-stubs types form.fields as plain Field."""
    return cast(forms.ModelChoiceField, form.fields[name])


NO_SAFEGUARDING_LABEL = "no safeguarding training recorded"


class ParticipantChoiceField(StaffChoiceField):
    """Staff to book, each by name; when the programme requires safeguarding training, those with no record of it
    say so in their label (`unsafeguarded_ids`), so the booker knows before choosing."""

    unsafeguarded_ids: frozenset[int] = frozenset()

    def label_from_instance(self, obj: Any) -> str:
        label = super().label_from_instance(obj)
        return f"{label} ({NO_SAFEGUARDING_LABEL})" if obj.pk in self.unsafeguarded_ids else label


class PlaceForm(forms.Form):
    """One member of staff to book, and their in-school mentor."""

    participant = ParticipantChoiceField(
        queryset=User.objects.none(), required=False, empty_label="— nobody —"
    )
    mentor = StaffChoiceField(queryset=User.objects.none(), required=False, empty_label="— choose a mentor —")
    is_aspiring = forms.BooleanField(required=False, label="Aspiring leader (not yet in post)")
    head_discussion_on = forms.DateField(
        required=False,
        label="Date of the discussion with their Head",
        widget=DateInput(),
        help_text="Aspiring leaders take part only after a discussion with their Head.",
    )
    head_discussion_notes = forms.CharField(
        required=False, label="Note of that discussion", widget=forms.Textarea(attrs={"rows": 2})
    )
    ict_declared = forms.BooleanField(
        required=False,
        label="ICT skills and MIS experience declared",
        help_text="Level 2 requires sufficient ICT skills and experience of basic software packages and the "
        "school management information system.",
    )

    def __init__(
        self,
        *args: Any,
        school: Any = None,
        cluster: Cluster | None = None,
        unsafeguarded_ids: frozenset[int] = frozenset(),
        **kwargs: Any,
    ) -> None:
        """`unsafeguarded_ids`: staff with no safeguarding training record, marked in the participant choices (only
        passed for a programme that requires it)."""
        super().__init__(*args, **kwargs)
        cast(ParticipantChoiceField, self.fields["participant"]).unsafeguarded_ids = unsafeguarded_ids
        if cluster is not None:
            # Only what this programme and level ask for: the Head's discussion where aspiring leaders need one
            # (PLQJ), the ICT and MIS declaration on ISQAM Level 2.
            if not cluster.edition.aspiring_requires_head_discussion:
                del self.fields["head_discussion_on"], self.fields["head_discussion_notes"]
            if not (cluster.edition.programme.code == Programme.Code.ISQAM and cluster.level.number == 2):
                del self.fields["ict_declared"]
        qs = staff_users(school) if school is not None else User.objects.none()
        _model_choice(self, "participant").queryset = qs
        _model_choice(self, "mentor").queryset = qs
        n = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        for name, field in self.fields.items():
            field.label = f"{field.label or name.replace('_', ' ').capitalize()} (place {n})"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("participant") and not data.get("mentor"):
            self.add_error("mentor", "Name the in-school mentor for this participant.")
        if data.get("mentor") and not data.get("participant"):
            self.add_error("participant", "Choose the member of staff this mentor supports.")
        return data


class BasePlaceFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        chosen = [f.cleaned_data.get("participant") for f in self.forms if f.cleaned_data.get("participant")]
        if not chosen:
            raise forms.ValidationError("Choose at least one member of staff to book.")
        if len({u.pk for u in chosen}) != len(chosen):
            raise forms.ValidationError("The same member of staff is chosen twice.")


PlaceFormSet = forms.formset_factory(PlaceForm, formset=BasePlaceFormSet, extra=4, max_num=12)


class BookingForm(forms.Form):
    purchase_order = forms.CharField(required=False, max_length=50, label="Purchase order number (optional)")
    acknowledge_warnings = forms.BooleanField(
        required=False, label="I have read the advice above and want to book anyway"
    )


class InvoiceSettingsForm(ModelFieldsForm):
    class Meta:
        model = InvoiceSettings
        fields = [
            "payment_method",
            "bank_name",
            "account_name",
            "sort_code",
            "account_number",
            "vat_number",
            "vat_rate_percent",
            "zero_rated_note",
        ]
        labels = {"zero_rated_note": "VAT line when zero-rated"}


class SafeguardingForm(forms.ModelForm):
    person = StaffChoiceField(queryset=User.objects.none(), label="Member of staff")

    class Meta:
        model = SafeguardingTraining
        fields = ["person", "completed_on", "level", "evidence"]
        widgets = {"completed_on": DateInput()}
        labels = {"completed_on": "Date completed", "level": "Level of training"}

    def __init__(self, *args: Any, school: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "person").queryset = staff_users(school)


class CloneEditionForm(forms.Form):
    academic_year = forms.ModelChoiceField(
        queryset=AcademicYear.objects.all(), label="Academic year of the new edition"
    )

    def __init__(self, *args: Any, edition: Edition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = Edition.objects.filter(programme=edition.programme).values("academic_year")
        _model_choice(self, "academic_year").queryset = AcademicYear.objects.exclude(pk__in=taken)


class EditionForm(ModelFieldsForm):
    class Meta:
        model = Edition
        fields = [
            "title",
            "portfolio_deadline",
            "overview",
            "delivery_note",
            "mentor_note",
            "review_note",
            "fee_note",
            "fee_includes",
            "booking_note",
            "refund_before_start_percent",
            "refund_after_start_percent",
            "payment_terms_days",
            "is_published",
        ]
        widgets = {"portfolio_deadline": DateInput()}
        labels = {
            "refund_before_start_percent": "Refund on withdrawal or cancellation before the first training day (% of the fee)",
            "refund_after_start_percent": "Refund on withdrawal or cancellation on or after the first training day (% of the fee)",
            "payment_terms_days": "Payment terms (days from the invoice date, 0 to 120)",
        }


class ActivityForm(ModelFieldsForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "choice_count",
            "minimum_count",
            "minimum_note",
            "requires_difficult_issue",
            "aspiring_alternative",
            "notes",
        ]
        widgets = {"title": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2})}


CLUSTER_FIELDS = ["name", "level", "delivery_model", "venue", "online_link", "capacity", "is_open"]


class ClusterForm(forms.Form):
    """A cluster's details, new or changed. A plain form: `services.cluster_create` / `cluster_update` check the
    record and save it, so validating writes nothing onto the cluster."""

    def __init__(self, *args: Any, edition: Edition, cluster: Cluster | None = None, **kwargs: Any) -> None:
        if cluster is not None:
            kwargs.setdefault("initial", model_to_dict(cluster, fields=CLUSTER_FIELDS))
        super().__init__(*args, **kwargs)
        made = forms.fields_for_model(Cluster, fields=[f for f in CLUSTER_FIELDS if f != "online_link"])
        made["online_link"] = forms.URLField(required=False, assume_scheme="https", label="Online link")
        self.fields.update((name, made[name]) for name in CLUSTER_FIELDS)
        _model_choice(self, "level").queryset = edition.levels.all()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        model = data.get("delivery_model")
        if model == "original" and not data.get("venue"):
            self.add_error("venue", "A face-to-face cluster needs a venue.")
        if model in ("virtual", "online") and not data.get("online_link"):
            self.add_error("online_link", "An online cluster needs a link for its sessions.")
        return data


class TrainingDayForm(forms.ModelForm):
    online_link = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Online link",
        help_text="Leave blank to use the cluster's link.",
    )

    class Meta:
        model = TrainingDay
        fields = ["term", "starts_at", "ends_at", "modules", "venue", "online_link"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "modules": forms.CheckboxSelectMultiple,
        }
        labels = {"starts_at": "Starts", "ends_at": "Ends", "modules": "Modules covered"}

    def __init__(self, *args: Any, cluster: Cluster, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "modules").queryset = cluster.level.modules.all()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "The session must end after it starts.")
        return data


class MentorSessionChoiceField(forms.ModelChoiceField):
    """Mentor training sessions, each shown by its local date and times ("Wednesday 21 October 2026, 16:00–17:00")."""

    def label_from_instance(self, obj: Any) -> str:
        starts, ends = timezone.localtime(obj.starts_at), timezone.localtime(obj.ends_at)
        return f"{starts:%A %-d %B %Y, %H:%M}–{ends:%H:%M}"


class MentorSessionChoiceForm(forms.Form):
    session = MentorSessionChoiceField(
        queryset=MentorTrainingSession.objects.none(),
        required=False,
        label="Optional online training session for the mentor",
        empty_label="— not attending —",
    )

    def __init__(self, *args: Any, sessions: QuerySet[MentorTrainingSession], **kwargs: Any) -> None:
        """`sessions`: the ones the mentor may choose (those still to come, `selectors.upcoming_mentor_sessions`)."""
        super().__init__(*args, **kwargs)
        _model_choice(self, "session").queryset = sessions


class FeeRuleForm(forms.ModelForm):
    class Meta:
        model = FeeRule
        fields = ["amount"]
        labels = {"amount": "Fee (£)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule = self.instance
        who = "member schools" if rule.is_member else "other schools"
        self.fields["amount"].label = f"{rule.get_delivery_model_display()}, {who} (£)"

    def clean_amount(self) -> Any:
        return _positive_amount(self.cleaned_data["amount"])


FeeRuleFormSet = forms.modelformset_factory(FeeRule, form=FeeRuleForm, extra=0)


def _positive_amount(amount: Any) -> Any:
    if amount is not None and amount <= 0:
        raise forms.ValidationError("Enter a fee greater than £0.")
    return amount


class FeeRuleEditForm(forms.Form):
    """One fee rule: delivery model, membership and amount; one current rule per delivery model and membership."""

    delivery_model = forms.ChoiceField(choices=DeliveryModel.choices, label="Delivery model")
    is_member = forms.TypedChoiceField(
        choices=[("1", "Member schools"), ("0", "Other schools")],
        coerce=lambda v: v == "1",
        label="Schools",
        help_text="Member schools belong to one of the edition's associations on the booking date.",
    )
    amount = forms.DecimalField(max_digits=8, decimal_places=2, label="Fee per participant per level (£)")

    def __init__(self, *args: Any, edition: Edition, rule: FeeRule | None = None, **kwargs: Any) -> None:
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "delivery_model": rule.delivery_model,
                "is_member": "1" if rule.is_member else "0",
                "amount": rule.amount,
            }
        super().__init__(*args, **kwargs)
        self.edition, self.rule = edition, rule

    def clean_amount(self) -> Any:
        return _positive_amount(self.cleaned_data["amount"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("delivery_model") and data.get("is_member") is not None:
            clash = self.edition.fee_rules.filter(
                delivery_model=data["delivery_model"], is_member=data["is_member"], retired_at__isnull=True
            )
            if self.rule is not None:
                clash = clash.exclude(pk=self.rule.pk)
            if clash.exists():
                raise forms.ValidationError(
                    "There is already a current fee for that delivery model and those schools: "
                    "change it, or retire it first."
                )
        return data


class WithdrawalForm(forms.Form):
    withdrawn_on = forms.DateField(label="Date of withdrawal", widget=DateInput())
    reason = forms.CharField(label="Reason for the withdrawal", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, booked_on: Any, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.booked_on, self.today = booked_on, today

    def clean_withdrawn_on(self) -> Any:
        on = self.cleaned_data["withdrawn_on"]
        if on > self.today:
            raise forms.ValidationError("The withdrawal date cannot be in the future.")
        if on < self.booked_on:
            raise forms.ValidationError(
                f"The withdrawal date cannot be before the booking was made ({self.booked_on:%-d %B %Y})."
            )
        return on

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for the withdrawal.")
        return reason


class MentorSessionForm(forms.ModelForm):
    online_link = forms.URLField(required=False, assume_scheme="https", label="Online link")

    class Meta:
        model = MentorTrainingSession
        fields = ["starts_at", "ends_at", "online_link", "capacity"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }
        labels = {"starts_at": "Starts", "ends_at": "Ends"}

    def __init__(self, *args: Any, now: datetime.datetime, **kwargs: Any) -> None:
        """`now`: the clock the start is checked against (a session must start in the future)."""
        super().__init__(*args, **kwargs)
        self.now = now

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("starts_at") and data.get("ends_at"):
            times = check_mentor_session_times(
                starts_at=data["starts_at"], ends_at=data["ends_at"], now=self.now
            )
            for name, message in times.items():
                self.add_error(name, message)
        return data


class FacilitatorForm(forms.Form):
    module = forms.ModelChoiceField(queryset=Module.objects.none(), label="Module")
    facilitator = StaffChoiceField(queryset=User.objects.none(), label="Facilitator")

    def __init__(self, *args: Any, cluster: Cluster, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "module").queryset = cluster.level.modules.all()
        _model_choice(self, "facilitator").queryset = staff_users(cluster.organisation)
