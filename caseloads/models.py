"""A Pastoral & Attendance Lead's year: the school's caseload settings and tutorial programme, group sessions with
who attended, review windows, and the electronic learning plan (Learning and Progress Reviews, targets, actions,
addenda).

A PAL's caseload itself is no table here: it is the PAL's `RoleAssignment`s, one per group (access.models)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from organisations.models import AcademicYear, Organisation

STAGE_ONE_LETTER = """Dear parent or carer,

We met with $pupil_name on $held_on at a stage-one meeting about the following concern: $concern

Outcome: $outcome.
$targets
We will review progress on $review_on. Please contact $pal_name, the Pastoral & Attendance Lead, if you would like to
talk about this.

Yours sincerely,

$pal_name
$school_name, $today"""


class CaseloadSettings(models.Model):
    """A school's caseload band (how many groups a PAL should carry) and the tutorial entitlement."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    min_groups = models.PositiveSmallIntegerField("fewest groups a PAL should carry", default=15)
    max_groups = models.PositiveSmallIntegerField("most groups a PAL should carry", default=17)
    entitlement = models.PositiveSmallIntegerField(
        "group sessions each group is entitled to a year", default=8
    )
    stage_one_letter = models.TextField(
        "stage-one meeting letter to parents and carers",
        default=STAGE_ONE_LETTER,
        help_text="Placeholders: $pupil_name, $school_name, $held_on, $concern, $outcome, $targets, $review_on, "
        "$pal_name, $today.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation"], name="caseload_settings_unique")]

    def __str__(self) -> str:
        return f"Caseload settings for {self.organisation}"

    def clean(self) -> None:
        if self.max_groups < self.min_groups:
            raise ValidationError({"max_groups": "The most groups must be at least the fewest."})
        if self.entitlement < 1:
            raise ValidationError({"entitlement": "A group is entitled to at least one session."})


class Term(models.IntegerChoices):
    AUTUMN = 1, "Autumn"
    SPRING = 2, "Spring"
    SUMMER = 3, "Summer"


class Topic(models.Model):
    """One topic of the tutorial programme for a year group in a term (study skills, wellbeing, E&D…)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    year_group = models.SmallIntegerField("year group", null=True, blank=True, help_text="Empty: every year.")
    term = models.PositiveSmallIntegerField(choices=Term.choices)
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["academic_year", "term", "title"]
        indexes = [models.Index(fields=["organisation", "academic_year", "term"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_term_display()})"


class GroupSession(models.Model):
    """A planned tutorial group session; delivered once recorded with who attended.

    Missed is not stored: a session still planned after its day is missed (caseloads.selectors)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey("people.Group", on_delete=models.CASCADE, related_name="tutorial_sessions")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    date = models.DateField()
    starts_at = models.TimeField("starts at")
    ends_at = models.TimeField("ends at")
    room = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(blank=True)
    resources = models.TextField("resources used", blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "starts_at"]
        indexes = [
            models.Index(fields=["organisation", "group", "date"]),
            models.Index(fields=["organisation", "lead", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="group_session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} group session {self.date:%-d %b %Y}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The session must end after it starts."})


class SessionAttendance(models.Model):
    """Whether one student attended a delivered group session."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="tutorial_attendance")
    attended = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "session", "pupil"], name="caseload_session_attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil} at {self.session}: {'attended' if self.attended else 'absent'}"


class ReviewWindow(models.Model):
    """When Learning and Progress Reviews are due in a year: by default four (one a term plus one)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    opens_on = models.DateField("opens on")
    closes_on = models.DateField("due by")

    class Meta:
        ordering = ["academic_year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "academic_year", "number"], name="review_window_unique"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="review_window_closes_after"
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.number} ({self.opens_on:%-d %b}–{self.closes_on:%-d %b %Y})"

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": "The window must close on or after the day it opens."})


class Review(models.Model):
    """A Learning and Progress Review (LPR) in a student's eLLP; locked once signed off by the PAL."""

    class Risk(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="learning_reviews")
    window = models.ForeignKey(ReviewWindow, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("held on")
    # Frozen at the review from attendance (window opening → the review), never recomputed.
    period_start = models.DateField()
    possible_sessions = models.PositiveIntegerField(default=0)
    attended_sessions = models.PositiveIntegerField(default=0)
    late_sessions = models.PositiveIntegerField(default=0)
    attendance_rate = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    behaviour = models.JSONField(default=dict, blank=True)
    support_plan_status = models.CharField(max_length=200, blank=True)
    student_voice = models.TextField("the student's own voice", blank=True)
    comment = models.TextField("the PAL's comment", blank=True)
    risk = models.CharField("risk of withdrawal", max_length=10, choices=Risk.choices, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        indexes = [models.Index(fields=["organisation", "window"])]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "pupil", "window"], name="review_once_a_window")
        ]

    def __str__(self) -> str:
        return f"LPR {self.window.number} for {self.pupil}"

    @property
    def is_locked(self) -> bool:
        return self.signed_off_at is not None


class LearningTarget(models.Model):
    """A SMART target set at an LPR (the PSP's SMART check applies); progress is judged at later LPRs."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="learning_targets")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="targets")
    specific = models.TextField("specific: what the student will do")
    measure = models.CharField("measurable: how it is measured", max_length=300)
    baseline = models.CharField("measurable: the baseline now", max_length=300)
    achievable = models.TextField("achievable: why it is within reach")
    result = models.TextField("results-focused: the result it leads to")
    due_on = models.DateField("time-bound: met by")

    class Meta:
        ordering = ["review", "pk"]

    def __str__(self) -> str:
        return self.specific[:80]


class TargetProgress(models.Model):
    """Progress against an earlier target, judged at a later LPR."""

    class Rating(models.TextChoices):
        MET = "met", "Met"
        PARTLY = "partly", "Partly met"
        NOT_MET = "not_met", "Not met"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")
    target = models.ForeignKey(LearningTarget, on_delete=models.CASCADE, related_name="progress")
    rating = models.CharField(max_length=10, choices=Rating.choices)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "review", "target"], name="learning_target_progress_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.get_rating_display()}"


class ReviewAction(models.Model):
    """An action agreed at an LPR, with its owner and date."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=300)
    owner = models.CharField(max_length=150)
    due_on = models.DateField("due by")

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.action


class Addendum(models.Model):
    """A later note on a signed-off LPR: the review itself no longer changes."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="addenda")
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum to {self.review}"


class StageOneMeeting(models.Model):
    """A stage-one disciplinary meeting: raised from a behaviour incident, an attendance escalation or directly."""

    class Source(models.TextChoices):
        INCIDENT = "incident", "A behaviour incident"
        ATTENDANCE = "attendance", "An attendance escalation"
        DIRECT = "direct", "Raised directly"

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        TARGETS = "targets", "Targets set, with a review date"
        STAGE_TWO = "stage_two", "Escalated to stage two"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="stage_one_meetings")
    raised_from = models.CharField("raised from", max_length=12, choices=Source.choices)
    incident = models.ForeignKey(
        "behaviour.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_on = models.DateField("held on")
    concern = models.TextField()
    student_attended = models.BooleanField("the student attended", default=True)
    parent_invited = models.BooleanField("a parent or carer was invited", default=False)
    parent_attended = models.BooleanField("a parent or carer attended", default=False)
    chaired_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    targets = models.TextField("targets agreed", blank=True)
    review_on = models.DateField("review on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "pupil"])]

    def __str__(self) -> str:
        return f"Stage-one meeting for {self.pupil} on {self.held_on:%-d %b %Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.outcome == self.Outcome.TARGETS:
            if not self.targets.strip():
                errors["targets"] = "Say which targets were agreed."
            if self.review_on is None:
                errors["review_on"] = "Give the date the targets will be reviewed."
        if self.review_on and self.held_on and self.review_on <= self.held_on:
            errors["review_on"] = "The review must come after the meeting."
        if self.raised_from == self.Source.INCIDENT and self.incident_id is None:
            errors["incident"] = "Choose the incident the meeting is about."
        if self.parent_attended and not self.parent_invited:
            errors["parent_invited"] = "A parent or carer who attended was invited: tick both."
        if errors:
            raise ValidationError(errors)


# Coaching, the listening service, passports and progression live in their own modules (registered with the app
# by being imported here).
from caseloads.models_coaching import CoachingSession, ListeningNote  # noqa: E402, F401
from caseloads.models_passports import Passport, PassportCompletion, PassportItem, Progression  # noqa: E402, F401
from caseloads.report_models import ReportBatch  # noqa: E402, F401  (reports to parents)
