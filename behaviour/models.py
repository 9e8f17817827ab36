"""The behaviour log, report cards, and suspensions and exclusions."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from organisations.models import Organisation
from people.models import Pupil


class IncidentKind(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    OBSERVATION = "observation", "Observation"


class BehaviourCategory(models.Model):
    """One of a school's behaviour categories. Seeded from `behaviour/data/default_categories.csv`; the school
    adds, renames and retires its own. A category in use is retired, never deleted."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(
        max_length=40, help_text="A fixed key for imports and reports; not shown to staff."
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(
        max_length=12,
        choices=IncidentKind.choices,
        blank=True,
        help_text="The kind of entry it is offered for; blank for any kind.",
    )
    is_retired = models.BooleanField(
        "retired", default=False, help_text="Retired categories stay on past entries but are not offered."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists (smallest first).")

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "behaviour categories"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="behaviour_category_unique_code"),
            models.UniqueConstraint(fields=["organisation", "name"], name="behaviour_category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Incident(models.Model):
    """Something that happened, good or bad, involving one or more pupils."""

    Kind = IncidentKind

    class Place(models.TextChoices):
        CLASSROOM = "classroom", "Classroom"
        CORRIDOR = "corridor", "Corridor"
        PLAYGROUND = "playground", "Playground / field"
        DINING = "dining", "Dining hall"
        TOILETS = "toilets", "Toilets"
        GATE = "gate", "School gate / off-site"
        ONLINE = "online", "Online"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    category = models.ForeignKey(BehaviourCategory, on_delete=models.PROTECT, related_name="incidents")
    severity = models.PositiveSmallIntegerField(
        default=1, help_text="1 (minor) to 5 (most serious). Positive entries are usually 1."
    )
    occurred_at = models.DateTimeField("when it happened")
    place = models.CharField(max_length=12, choices=Place.choices)
    lesson = models.CharField(max_length=100, blank=True, help_text="Subject or period, if in a lesson.")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Member of staff involved.",
    )
    description = models.TextField()
    actions = models.TextField("actions taken", blank=True)
    parents_contacted = models.BooleanField(default=False)
    parents_contacted_how = models.CharField("how parents were contacted", max_length=200, blank=True)
    pupils = models.ManyToManyField(Pupil, through="IncidentPupil", related_name="incidents")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["organisation", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=5), name="incident_severity_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.category} on {self.occurred_at:%d %b %Y}"

    def clean(self) -> None:
        if self.severity is not None and not 1 <= self.severity <= 5:
            raise ValidationError({"severity": "Severity is from 1 (minor) to 5 (most serious)."})
        if self.parents_contacted and not self.parents_contacted_how:
            raise ValidationError({"parents_contacted_how": "Say how the parents were contacted."})
        if (
            self.category_id
            and self.organisation_id
            and self.category.organisation_id != self.organisation_id
        ):
            raise ValidationError({"category": "Choose one of this school's categories."})
        if self.category_id and self.category.kind and self.kind and self.category.kind != self.kind:
            raise ValidationError(
                {
                    "category": f"“{self.category}” is a category for {self.category.get_kind_display().lower()} entries."
                }
            )


class IncidentPupil(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="incident_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "incident", "pupil"], name="incident_pupil_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.incident}"


class ReportCard(models.Model):
    """A daily or weekly report: each lesson scores the pupil against their targets."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Fortnightly"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="report_cards")
    frequency = models.CharField(
        max_length=12,
        choices=Frequency.choices,
        help_text="How often the card is checked with the key member of staff.",
    )
    key_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="key member of staff",
    )
    targets = models.JSONField(default=list, help_text="The targets each lesson scores, in order.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    purpose = models.CharField(
        max_length=200, blank=True, help_text="For example: Pastoral Support Programme monitoring."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="report_card_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} report for {self.pupil} from {self.starts_on:%d %b %Y}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The card must end on or after the day it starts."})
        if not [t for t in (self.targets or []) if str(t).strip()]:
            raise ValidationError({"targets": "Give at least one target for lessons to score."})


class ReportEntry(models.Model):
    """One lesson's score against one target on a report card."""

    class Score(models.IntegerChoices):
        NOT_MET = 0, "0 — not met"
        PARTLY = 1, "1 — partly met"
        MOSTLY = 2, "2 — mostly met"
        MET = 3, "3 — fully met"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    card = models.ForeignKey(ReportCard, on_delete=models.CASCADE, related_name="entries")
    date = models.DateField()
    lesson = models.CharField(max_length=100)
    target_index = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    comment = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "lesson", "target_index"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "card", "date", "lesson", "target_index"], name="report_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.lesson} target {self.target_index + 1}: {self.score}"


class Suspension(models.Model):
    """A suspension (fixed-term), a permanent exclusion, or an internal exclusion."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        PERMANENT = "permanent", "Permanent exclusion"
        INTERNAL = "internal", "Internal exclusion"

    class Reason(models.TextChoices):
        # The DfE's categories for suspensions and permanent exclusions
        PHYSICAL_PUPIL = "physical_pupil", "Physical assault against a pupil"
        PHYSICAL_ADULT = "physical_adult", "Physical assault against an adult"
        VERBAL_PUPIL = "verbal_pupil", "Verbal abuse or threatening behaviour against a pupil"
        VERBAL_ADULT = "verbal_adult", "Verbal abuse or threatening behaviour against an adult"
        BULLYING = "bullying", "Bullying"
        RACIST = "racist", "Racist abuse"
        SEXUAL = "sexual", "Sexual misconduct"
        DRUGS = "drugs", "Use or threat of use of an offensive weapon or prohibited item / drugs and alcohol"
        DAMAGE = "damage", "Damage"
        THEFT = "theft", "Theft"
        PERSISTENT = "persistent", "Persistent or general disruptive behaviour"
        ONLINE = "online", "Inappropriate use of social media or online technology"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave blank for a permanent exclusion.")
    leaves_roll_on = models.DateField(
        "last day on roll",
        null=True,
        blank=True,
        help_text=(
            "Permanent exclusion only: the last day the pupil is on the school's roll, once known (after the "
            "governors' review and the time allowed to ask for an independent review panel). Until then the "
            "pupil is marked E each school day."
        ),
    )
    sessions = models.PositiveSmallIntegerField(help_text="Number of half-day sessions (two a day).")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField()
    incident = models.ForeignKey(
        Incident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suspensions",
        help_text="The incident in this pupil's behaviour log that led to it (optional).",
    )
    parents_informed = models.BooleanField(default=False)
    attendance_note = models.CharField(
        max_length=200, blank=True, help_text="What the attendance register records."
    )
    marked_through = models.DateField(
        null=True, blank=True, editable=False, help_text="The last day attendance was asked to mark E for."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="decided by",
        help_text="The headteacher (or the acting headteacher) who made the decision.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who entered the decision in Pastoral.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.pupil} from {self.starts_on:%d %b %Y}"

    def clean(self) -> None:
        errors = {}
        if self.kind != self.Kind.PERMANENT and not self.ends_on:
            errors["ends_on"] = "A suspension or internal exclusion needs an end date."
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date must be on or after the start date."
        if self.kind == self.Kind.PERMANENT and self.ends_on:
            errors["ends_on"] = "A permanent exclusion has no end date: give the last day on roll instead."
        if self.leaves_roll_on and self.kind != self.Kind.PERMANENT:
            errors["leaves_roll_on"] = "Only a permanent exclusion has a last day on roll."
        if self.leaves_roll_on and self.starts_on and self.leaves_roll_on < self.starts_on:
            errors["leaves_roll_on"] = "The last day on roll must be on or after the start date."
        if self.sessions is not None and self.sessions < 1:
            errors["sessions"] = "Give at least one session."
        if self.kind == self.Kind.SUSPENSION and self.sessions and self.sessions > 90:
            errors["sessions"] = (
                "A pupil may be suspended for at most 45 school days (90 sessions) in a year."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class NoticeAddresses(models.Model):
    """Where the school sends the notices the suspension guidance asks for, besides parents and social workers."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    governors_email = models.EmailField(
        "clerk to the governors' e-mail",
        blank=True,
        help_text="The governing board (or the academy trust's board) is told of permanent exclusions, and of "
        "suspensions taking a pupil past five school days in a term or causing a missed public examination.",
    )
    local_authority_email = models.EmailField(
        "local authority exclusions team's e-mail",
        blank=True,
        help_text="The local authority is told of the same exclusions as the governing board.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="notice_addresses_one_per_school")
        ]

    def __str__(self) -> str:
        return f"Notice addresses of {self.organisation}"


class SuspensionNotice(models.Model):
    """One notice of a suspension or exclusion sent to one party: who, how, when and by whom."""

    class Party(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        SOCIAL_WORKER = "social_worker", "Social worker"
        GOVERNORS = "governors", "Governing board"
        LOCAL_AUTHORITY = "local_authority", "Local authority"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    suspension = models.ForeignKey(Suspension, on_delete=models.CASCADE, related_name="notices")
    party = models.CharField(max_length=20, choices=Party.choices)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "suspension", "party", "email"], name="suspension_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} told of {self.suspension} on {self.sent_at:%d %b %Y}"
