"""Qualification programmes (PLQ, PLQJ, ISQAM): content, editions, clusters, fees, bookings and enrolments.

Tenancy: programme content, clusters, training days, fee rules and attendance belong to the provider
(`organisation` is the provider); bookings, enrolments and safeguarding records belong to the school
(`organisation` is the school) and carry a `provider` foreign key so the provider can see them too.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from organisations.models import AcademicYear, Organisation
from qualifications.templatetags.qualifications_money import format_gbp

DEFAULT_PAYMENT_TERMS_DAYS = 30


def new_token() -> str:
    """An unguessable token for a calendar feed URL."""
    return secrets.token_urlsafe(24)


class DeliveryModel(models.TextChoices):
    ORIGINAL = "original", "Original model (two face-to-face training days)"
    VIRTUAL = "virtual", "Virtual cluster (online sessions)"
    ONLINE = "online", "Online cluster"


class Programme(models.Model):
    """A qualification: PLQ (senior pastoral), PLQJ (junior pastoral) or ISQAM (academic management)."""

    class Code(models.TextChoices):
        PLQ = "PLQ", "PLQ"
        PLQJ = "PLQJ", "PLQJ"
        ISQAM = "ISQAM", "ISQAM"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes", help_text="The provider."
    )
    code = models.CharField(max_length=10, choices=Code.choices)
    name = models.CharField(max_length=200)
    audience = models.TextField(help_text="Who the programme is designed for.")
    aims = models.JSONField(default=list, blank=True, help_text="The programme's aims, one per item.")
    university_partner = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="partnered_programmes"
    )

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="programme_unique_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def provider(self) -> Organisation:
        return self.organisation

    @property
    def requires_safeguarding(self) -> bool:
        return self.code in {self.Code.PLQ, self.Code.PLQJ}


class Edition(models.Model):
    """One year's version of a programme; cloned each year for the annual review cycle."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="editions")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="editions")
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="qualification_editions"
    )
    title = models.CharField(
        max_length=200, help_text="For example HMC Pastoral Leadership Qualification (PLQ) 2022-23."
    )
    overview = models.TextField(blank=True)
    structure_note = models.TextField(blank=True)
    prerequisites = models.JSONField(
        default=list, blank=True, help_text="The prerequisites as the document states them."
    )
    delivery_note = models.TextField(blank=True)
    mentor_note = models.TextField(blank=True)
    review_note = models.TextField(blank=True)
    fee_note = models.TextField(blank=True)
    fee_includes = models.TextField(blank=True, help_text="What the fee includes.")
    booking_note = models.TextField(blank=True)
    portfolio_deadline = models.DateField(help_text="Portfolios are submitted by this date (end of July).")
    member_associations = models.JSONField(
        default=list, blank=True, help_text="Association codes whose member schools pay the member fee."
    )
    source_document = models.CharField(max_length=100, blank=True)
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    is_published = models.BooleanField(default=False, help_text="Open for bookings.")
    aspiring_note = models.TextField(
        blank=True, help_text="What the document says about aspiring participants."
    )
    aspiring_requires_head_discussion = models.BooleanField(
        default=False,
        help_text="Aspiring participants may take part only after a recorded discussion with their Head.",
    )
    planned_clusters = models.JSONField(default=list, blank=True, help_text="Clusters the document plans.")
    # The documents say nothing about cancellations or refunds: the provider sets the rule per edition, and it
    # applies to withdrawals and to cancelled places alike.
    refund_before_start_percent = models.PositiveSmallIntegerField(
        default=100,
        validators=[MaxValueValidator(100)],
        help_text="Share of the fee credited when an invoiced place is withdrawn or cancelled before its cluster's "
        "first training day.",
    )
    refund_after_start_percent = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="Share of the fee credited when an invoiced place is withdrawn or cancelled on or after the first "
        "training day.",
    )
    # Set by the provider with its fees; frozen on each booking when it is invoiced.
    payment_terms_days = models.PositiveSmallIntegerField(
        default=DEFAULT_PAYMENT_TERMS_DAYS,
        validators=[MaxValueValidator(120)],
        help_text="Days from the invoice date to pay (0 for payment on receipt).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme__code", "-academic_year__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme", "academic_year"], name="edition_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.academic_year.name}"

    @property
    def provider(self) -> Organisation:
        return self.organisation

    def is_closed_on(self, on: datetime.date) -> bool:
        """An edition whose academic year has ended is closed for bookings (however it was published)."""
        return self.academic_year.ends_on < on


class Level(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(2)])
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "edition", "number"], name="level_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.edition} Level {self.number}"


class Module(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="modules")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="modules")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(8)])
    title = models.CharField(max_length=300)
    content = models.TextField(blank=True, help_text="The module content as the document gives it.")
    explores = models.JSONField(default=list, blank=True, help_text="What participants explore.")
    enables = models.JSONField(
        default=list, blank=True, help_text="What the module enables participants to do."
    )
    delivered_by = models.CharField(max_length=300, help_text="Who delivers the training sessions.")

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "edition", "number"], name="module_unique_number")
        ]

    def __str__(self) -> str:
        return f"Module {self.number}: {self.title}"

    @property
    def delivered_by_sentence(self) -> str:
        return f"Module {self.number} training sessions are delivered by {self.delivered_by}"


class Activity(models.Model):
    """A portfolio activity of a module."""

    class Kind(models.TextChoices):
        REQUIRED = "required", "Required"
        OPTIONAL = "optional", "Optional"
        CHOICE = "choice", "A choice between alternatives"
        MINIMUM = "minimum", "A minimum number"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="activities")
    number = models.CharField(max_length=5, help_text='For example "3.2".')
    position = models.PositiveSmallIntegerField(default=0)
    title = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REQUIRED)
    choice_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a choice: how many alternatives there are."
    )
    alternatives = models.JSONField(
        default=list, blank=True, help_text="For a choice: the alternatives, where known."
    )
    minimum_count = models.PositiveSmallIntegerField(null=True, blank=True)
    minimum_note = models.CharField(
        max_length=300, blank=True, help_text="For example: at least one addressing a difficult issue."
    )
    aspiring_alternative = models.TextField(
        blank=True, help_text="The alternative for aspiring participants."
    )
    notes = models.TextField(blank=True)
    is_structured_reflection = models.BooleanField(default=False)
    requires_difficult_issue = models.BooleanField(
        default=False,
        help_text="A minimum-count activity where at least one record must address a difficult issue (ISQAM 2.2); "
        "an aspiring participant may meet it with the alternative for aspiring participants instead.",
    )

    class Meta:
        ordering = ["module__number", "position"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "module", "number"], name="activity_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self) -> None:
        if self.requires_difficult_issue and self.kind != self.Kind.MINIMUM:
            raise ValidationError(
                {
                    "requires_difficult_issue": "Only an activity of a minimum number of records can require one "
                    "of them to address a difficult issue."
                }
            )


class Cluster(models.Model):
    """A group of participants following one level of an edition together."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="clusters")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="clusters")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="clusters")
    name = models.CharField(max_length=150)
    delivery_model = models.CharField(
        max_length=10, choices=DeliveryModel.choices, default=DeliveryModel.ORIGINAL
    )
    venue = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(blank=True)
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    ical_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    is_open = models.BooleanField(default=True, help_text="Accepting bookings.")

    class Meta:
        ordering = ["edition", "level__number", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "edition", "name"], name="cluster_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.edition}, Level {self.level.number})"

    @property
    def is_online(self) -> bool:
        return self.delivery_model != DeliveryModel.ORIGINAL


class ClusterFacilitator(models.Model):
    """Who facilitates which module in a cluster."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="facilitators")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitations"
    )

    class Meta:
        ordering = ["module__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cluster", "module", "facilitator"], name="facilitator_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.facilitator} – Module {self.module.number}, {self.cluster.name}"


class TrainingDay(models.Model):
    """A training day (original model) or online session of a cluster."""

    class Term(models.TextChoices):
        AUTUMN = "autumn", "Autumn term"
        SPRING = "spring", "Spring term"
        SUMMER = "summer", "Summer term"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="training_days")
    term = models.CharField(max_length=10, choices=Term.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    modules = models.ManyToManyField(Module, related_name="training_days", blank=True)
    venue = models.CharField(max_length=300, blank=True, help_text="Leave blank to use the cluster's venue.")
    online_link = models.URLField(blank=True)
    uid = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="training_day_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster.name}: {self.starts_at:%d %B %Y}"


class FeeRule(models.Model):
    """The fee per participant per level for a delivery model and membership status."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="fee_rules")
    delivery_model = models.CharField(max_length=10, choices=DeliveryModel.choices)
    is_member = models.BooleanField(
        help_text="For schools in membership of one of the edition's associations."
    )
    amount = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    # Retired rules are kept (and shown) for the record; they no longer price new bookings.
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["edition", "retired_at", "delivery_model", "-is_member"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "edition", "delivery_model", "is_member"],
                condition=Q(retired_at__isnull=True),
                name="fee_rule_unique_current",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fee_rule_amount_positive"),
        ]

    def __str__(self) -> str:
        who = "member" if self.is_member else "other"
        return f"{self.edition} {self.get_delivery_model_display()} {who}: {format_gbp(self.amount)}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def who(self) -> str:
        return "Member schools" if self.is_member else "Other schools"


class MentorTrainingSession(models.Model):
    """The optional online training session for mentors."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="mentor_sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    online_link = models.URLField(blank=True)
    capacity = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"Mentor training {self.edition}: {self.starts_at:%d %B %Y %H:%M}"


class SafeguardingTraining(models.Model):
    """A record of a member of staff's safeguarding training (a prerequisite of PLQ and PLQJ)."""

    class TrainingLevel(models.TextChoices):
        LEVEL_1 = "level_1", "Level 1 (basic awareness)"
        LEVEL_2 = "level_2", "Level 2 (advanced)"
        LEVEL_3 = "level_3", "Level 3 (designated safeguarding lead)"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safeguarding_training"
    )
    completed_on = models.DateField()
    level = models.CharField(max_length=10, choices=TrainingLevel.choices)
    evidence = models.CharField(max_length=300, help_text="Certificate, provider and reference.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} on {self.completed_on}"


class InvoiceCounter(models.Model):
    """The last invoice number a provider issued (numbers are taken under a row lock)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    last_credit_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organisation}: {self.last_number}"


ZERO_RATED_NOTE = "VAT: zero-rated (education)"


class InvoiceSettings(models.Model):
    """What a provider prints on every invoice: how to pay (method and bank details) and its VAT position."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="invoice_settings", help_text="The provider."
    )
    payment_method = models.CharField(
        max_length=200,
        default="BACS bank transfer",
        help_text="How schools pay, for example BACS bank transfer or cheque.",
    )
    bank_name = models.CharField(max_length=100, blank=True)
    account_name = models.CharField(max_length=100, blank=True)
    sort_code = models.CharField(
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{2}-\d{2}-\d{2}$", "Enter the sort code as 12-34-56.")],
    )
    account_number = models.CharField(
        max_length=8, blank=True, validators=[RegexValidator(r"^\d{8}$", "Enter the 8-digit account number.")]
    )
    vat_number = models.CharField(max_length=20, blank=True, verbose_name="VAT registration number")
    vat_rate_percent = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        verbose_name="VAT rate (%)",
        help_text="0 when the fees are zero-rated. Fees are VAT-inclusive: the invoice shows the VAT they include.",
    )
    zero_rated_note = models.CharField(
        max_length=200,
        default=ZERO_RATED_NOTE,
        help_text="The VAT line printed when the rate is 0.",
    )

    class Meta:
        verbose_name_plural = "invoice settings"

    def __str__(self) -> str:
        return f"Invoice settings of {self.organisation}"


class Booking(models.Model):
    """A school's booking of one or more places in a cluster; one numbered invoice each."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CANCELLED = "cancelled", "Cancelled"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="qualification_bookings", help_text="The school."
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="received_bookings")
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="bookings")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="bookings")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qualification_bookings"
    )
    booked_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Frozen at booking from the school's memberships on the booking date.
    is_member = models.BooleanField()
    associations = models.JSONField(
        default=list, blank=True, help_text="The school's associations on the booking date."
    )
    fee_per_place = models.DecimalField(max_digits=8, decimal_places=2)
    invoice_number = models.CharField(max_length=30, unique=True)
    purchase_order = models.CharField(
        max_length=50, blank=True, help_text="The school's purchase-order number, printed on the invoice."
    )
    # Frozen from the edition when the booking is invoiced: changing the terms later moves no due date.
    payment_terms_days = models.PositiveSmallIntegerField(
        default=DEFAULT_PAYMENT_TERMS_DAYS, validators=[MaxValueValidator(120)]
    )
    due_on = models.DateField(help_text="The invoice date plus the payment terms.")
    # Frozen from the provider's invoice settings when the booking is invoiced (0: zero-rated).
    vat_rate_percent = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    paid = models.BooleanField(default=False)
    paid_on = models.DateField(null=True, blank=True)
    last_reminder_at = models.DateTimeField(
        null=True, blank=True, help_text="When the booker was last sent a payment reminder."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.invoice_number} {self.organisation}"


class Enrolment(models.Model):
    """One participant's place (or waiting-list place) in a cluster, with their in-school mentor."""

    class Status(models.TextChoices):
        WAITLISTED = "waitlisted", "On the waiting list"
        ENROLLED = "enrolled", "Enrolled"
        CANCELLED = "cancelled", "Cancelled"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="qualification_enrolments",
        help_text="The participant's school.",
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="received_enrolments")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="enrolments")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="enrolments")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="enrolments")
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="enrolments")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qualification_enrolments"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentees")
    status = models.CharField(max_length=12, choices=Status.choices)
    fee = models.DecimalField(max_digits=8, decimal_places=2)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    is_charged_when_cancelled = models.BooleanField(
        default=False,
        help_text="Cancelled after it was invoiced: the place stays on the invoice and a credit note (by the "
        "edition's refund rule) offsets it.",
    )
    # Prerequisites as checked at booking.
    safeguarding_record = models.ForeignKey(
        SafeguardingTraining, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    ict_declared = models.BooleanField(
        default=False, help_text="ISQAM Level 2: ICT skills and MIS experience declared."
    )
    level1_warning = models.BooleanField(
        default=False, help_text="Booked onto Level 2 without a Level 1 record."
    )
    is_aspiring = models.BooleanField(default=False, help_text="Not yet in post.")
    head_discussion_on = models.DateField(null=True, blank=True)
    head_discussion_notes = models.TextField(blank=True)
    mentor_session = models.ForeignKey(
        MentorTrainingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentor_places"
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the level's certificate is issued (the place is completed in the same transaction); a revoked
    # certificate puts the place back to enrolled and records when, so it no longer counts as Level 1 done.
    completed_at = models.DateTimeField(null=True, blank=True)
    completion_revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the certificate that completed this place was revoked."
    )
    ical_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        ordering = ["cluster", "participant__full_name"]
        indexes = [models.Index(fields=["cluster", "status"])]

    def __str__(self) -> str:
        return f"{self.participant} – {self.cluster}"

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.ENROLLED, self.Status.COMPLETED}


class SessionAttendance(models.Model):
    """Whether a participant attended a training day or session."""

    class Mark(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        APOLOGIES = "apologies", "Absent with apologies"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The provider."
    )
    training_day = models.ForeignKey(TrainingDay, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    mark = models.CharField(max_length=10, choices=Mark.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "training_day", "enrolment"], name="session_attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.participant}: {self.get_mark_display()}"


class CreditNote(models.Model):
    """A numbered credit against a booking's invoice, issued when a charged place is withdrawn or cancelled."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="qualification_credit_notes",
        help_text="The school.",
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="issued_credit_notes")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="credit_notes")
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="credit_note")
    number = models.CharField(max_length=30, unique=True)
    issued_on = models.DateField()
    amount = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    rule = models.CharField(max_length=300, help_text="The refund rule applied, in words.")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} ({self.booking.invoice_number})"
