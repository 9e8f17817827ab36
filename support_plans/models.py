"""Pastoral Support Programmes: the Assess–Plan–Do–Review cycle for a pupil at risk of exclusion."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from behaviour.models import ReportCard
from organisations.models import Organisation
from people.models import Contact, Pupil


def review_points(review_weeks: str) -> list[int]:
    """The review weeks written as "4,8": whole numbers in order, each once; anything else is passed over."""
    return sorted({int(w) for w in review_weeks.split(",") if w.strip().isdigit()})


def check_review_weeks(length_weeks: int, review_weeks: str) -> None:
    """Refuse review weeks that are not whole numbers, or that do not fall before the final meeting."""
    parts = [w.strip() for w in review_weeks.split(",") if w.strip()]
    if not parts or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise ValidationError({"review_weeks": "Give the review weeks as whole numbers, e.g. “4,8”."})
    if length_weeks and any(int(p) >= length_weeks for p in parts):
        raise ValidationError({"review_weeks": "Every review must fall before the final meeting."})


class PlanSettings(models.Model):
    """A school's choices: how long a PSP runs and when it is reviewed (default 12 weeks, reviews at 4 and 8)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="psp_settings")
    length_weeks = models.PositiveSmallIntegerField(default=12)
    review_weeks = models.CharField(
        max_length=50,
        default="4,8",
        help_text="Weeks after the initial meeting when reviews fall, comma separated.",
    )
    records_years_after_leaving = models.PositiveSmallIntegerField(
        "Keep behaviour and PSP records for (years after the pupil leaves)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="Behaviour, PSP and pastoral notes are kept until the pupil leaves plus a period the school "
        "sets (IRMS): 1 to 25 years. Blank: they are never deleted. Pupils under a retention hold keep theirs.",
    )
    scores_gap_school_days = models.PositiveSmallIntegerField(
        "Alert when a plan has no report-card scores for more than (school days)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="The nightly check raises an alert on an active plan with no scores for longer than this "
        "(school days: weekdays in term less whole-school closures), counting from the plan's start when it "
        "has never been scored.",
    )

    class Meta:
        verbose_name_plural = "plan settings"

    def __str__(self) -> str:
        return f"PSP settings for {self.organisation}"

    @property
    def review_points(self) -> list[int]:
        return review_points(self.review_weeks)

    def clean(self) -> None:
        check_review_weeks(self.length_weeks, self.review_weeks)


class SupportPlan(models.Model):
    class Status(models.TextChoices):
        ASSESS = "assess", "Assess: gathering the pre-meeting pack"
        ACTIVE = "active", "Under way: Do and Review"
        CLOSED = "closed", "Closed"

    class Relation(models.TextChoices):
        NONE = "none", "No other plan"
        REPLACES_BEHAVIOUR_PLAN = "replaces_behaviour", "Replaces an existing behaviour plan"
        ALONGSIDE_SEN = "alongside_sen", "Runs alongside an SEN support plan"
        ALONGSIDE_IEP = "alongside_iep", "Runs alongside an Individual Education Plan (IEP)"
        ALONGSIDE_EHCP = "alongside_ehcp", "Runs alongside an EHC plan"

    class Outcome(models.TextChoices):
        SUCCESSFUL = "successful", "Successful"
        UNSUCCESSFUL = "unsuccessful", "Unsuccessful"

    class Monitoring(models.TextChoices):
        DAILY = "daily", "Daily report"
        WEEKLY = "weekly", "Weekly report"
        FORTNIGHTLY = "fortnightly", "Fortnightly report"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="support_plans")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coordinated_plans"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASSESS)
    opened_on = models.DateField()
    reason = models.TextField("why the pupil is at risk of exclusion")
    relation = models.CharField(
        "relation to other plans", max_length=20, choices=Relation.choices, default=Relation.NONE
    )
    relation_note = models.CharField("about the other plan", max_length=300, blank=True)
    length_weeks = models.PositiveSmallIntegerField(default=12)
    review_weeks = models.CharField(max_length=50, default="4,8")
    # Assess: the pre-meeting pack
    pre_meeting_summary = models.TextField(blank=True)
    voice_like_admire = models.TextField("what people like and admire about me", blank=True)
    voice_important = models.TextField("what is important to me", blank=True)
    voice_support = models.TextField("how best to support me", blank=True)
    voice_feelings = models.TextField("how I feel coming into school, and what would help", blank=True)
    senco_comments = models.TextField("SENCO comments", blank=True)
    iep_summary = models.TextField("IEP or SEN support plan summary", blank=True)
    current_adjustments = models.TextField("adjustments and support currently offered", blank=True)
    # Plan
    rewards = models.TextField("rewards the pupil wants", blank=True)
    consequences = models.TextField(
        blank=True, help_text="What follows if the pupil makes no effort to meet the targets."
    )
    # Monitoring arrangements
    monitoring = models.CharField(max_length=12, choices=Monitoring.choices, blank=True)
    monitoring_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="key member of staff for monitoring",
    )
    report_card = models.ForeignKey(
        ReportCard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_on = models.DateField("initial meeting date", null=True, blank=True)
    # Outcome
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    evaluation = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    continued_monitoring = models.TextField(blank=True)
    alternatives_considered = models.TextField(blank=True)
    la_consulted_on = models.DateField("local authority consulted on", null=True, blank=True)
    la_consultation_notes = models.TextField("local authority advice", blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""), name="closed_plan_has_outcome"
            )
        ]

    def __str__(self) -> str:
        return f"PSP for {self.pupil} opened {self.opened_on:%d %b %Y}"

    @property
    def review_points(self) -> list[int]:
        return review_points(self.review_weeks)

    @property
    def ends_on(self) -> datetime.date | None:
        return self.starts_on + datetime.timedelta(weeks=self.length_weeks) if self.starts_on else None

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class Party(models.Model):
    """Someone taking part: the pupil, a parent or carer, key staff, the SENCO, an outside agency."""

    class Kind(models.TextChoices):
        PUPIL = "pupil", "Pupil"
        PARENT = "parent", "Parent or carer"
        STAFF = "staff", "Key member of staff"
        SENCO = "senco", "SENCO"
        AGENCY = "agency", "Outside agency"

    class Agency(models.TextChoices):
        LOCAL_AUTHORITY = "la", "Local authority"
        PRU = "pru", "PRU outreach"
        CAMHS = "camhs", "CAMHS"
        EDUCATIONAL_PSYCHOLOGY = "ep", "Educational psychology"
        SPEECH_LANGUAGE = "salt", "Speech and language therapy"
        OCCUPATIONAL_THERAPY = "ot", "Occupational therapy"
        OTHER = "other", "Other agency"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    agency = models.CharField(max_length=10, choices=Agency.choices, blank=True)
    name = models.CharField(max_length=200)
    role = models.CharField(
        max_length=200, blank=True, help_text="e.g. Form tutor, Mother, CAMHS practitioner."
    )
    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    commitments = models.TextField("commitments made", blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        label = (
            self.get_agency_display()
            if self.kind == self.Kind.AGENCY and self.agency
            else self.get_kind_display()
        )
        return f"{self.name} ({label})"

    def clean(self) -> None:
        if self.kind == self.Kind.AGENCY and not self.agency:
            raise ValidationError({"agency": "Say which agency."})
        if self.kind != self.Kind.AGENCY and self.agency:
            self.agency = ""


class Assessment(models.Model):
    """One of the assessments the guidance lists, and what was decided about it."""

    class Kind(models.TextChoices):
        LEARNING = "learning", "Review of learning needs, particularly literacy"
        SEMH = "semh", "Review of social, emotional and mental health (SEMH) needs"
        TIMETABLE = "timetable", "Adjusting the pupil's timetable for specific learning activities"
        MENTOR = "mentor", "A trained adult mentor"
        SPECIALIST = (
            "specialist",
            "Specialist support (counselling; bereavement, bullying, drugs or alcohol, mental health)",
        )
        AP_OUTREACH = "ap_outreach", "Outreach support from alternative provision"
        AP_INREACH = "ap_inreach", "In-reach support from alternative provision, or dual roll"
        PEER_MENTOR = "peer_mentor", "A peer mentor from the pupil's peer group"
        EXTERNAL = "external", "Assessment by an external professional (CAMHS, EP, SALT, OT)"

    class Decision(models.TextChoices):
        CONSIDERED = "considered", "Considered, not needed"
        PLANNED = "planned", "Planned"
        IN_PLACE = "in_place", "In place"
        DONE = "done", "Completed"

    CAUTIONS: dict[str, str] = {
        Kind.PEER_MENTOR: (
            "The guidance notes that evidence-based research has found peer mentoring to be unsuccessful; "
            "it may still suit some young people and remains an option for schools."
        ),
    }

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    decision = models.CharField(max_length=12, choices=Decision.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "plan", "kind"], name="assessment_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_decision_display()}"

    @property
    def caution(self) -> str:
        return self.CAUTIONS.get(self.kind, "")


class Questionnaire(models.Model):
    """A questionnaire for the pre-meeting pack, completed online through a secure link or typed in from paper."""

    class Kind(models.TextChoices):
        PUPIL_PRIMARY = "pupil_primary", "Pupil questionnaire (primary version)"
        PUPIL_SECONDARY = "pupil_secondary", "Pupil questionnaire (secondary version)"
        PARENT = "parent", "Parent/carer questionnaire"
        STAFF = "staff", "Staff questionnaire"

    class Source(models.TextChoices):
        ONLINE = "online", "Completed online"
        PAPER = "paper", "Typed in from paper"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="questionnaires")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.SET_NULL, related_name="questionnaires"
    )
    respondent = models.CharField(max_length=200)
    answers = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.respondent}"

    @property
    def is_complete(self) -> bool:
        return self.submitted_at is not None


class SecureLink(models.Model):
    """An expiring link for someone outside the system: to answer a questionnaire or sign the targets (single
    use), or for a parent to follow the plan from home (the current targets and the weekly report-card scores, as
    often as they like until it expires or is withdrawn).

    Only a SHA-256 hash of the token is stored; the token itself is shown once, when the link is made.
    """

    class Purpose(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", "Answer a questionnaire"
        SIGNATURE = "signature", "Sign the targets"
        HOME = "home", "Follow the plan from home"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    questionnaire = models.ForeignKey(
        Questionnaire, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    emailed_to = models.EmailField(blank=True, help_text="Where Pastoral e-mailed the link, if it did.")
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link for {self.plan}"


class Target(models.Model):
    """A target of the plan. Its wording lives in revisions: a change adds a revision, never overwrites one."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="targets")
    number = models.PositiveSmallIntegerField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "plan", "number"], name="target_unique_number")
        ]

    def __str__(self) -> str:
        return f"Target {self.number}"

    @property
    def current(self) -> TargetRevision | None:
        return self.revisions.order_by("-version").first()


class TargetRevision(models.Model):
    """One wording of a target: every SMART element, the step it belongs to, and the support that goes with it."""

    class SupportBy(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        SCHOOL = "school", "School staff"
        AGENCY = "agency", "Outside agency"

    # What a revision words (everything but its bookkeeping); a revised target copies these forward.
    WORDING_FIELDS = (
        "specific",
        "measure",
        "baseline",
        "achievable",
        "result",
        "due_on",
        "step",
        "support",
        "support_by",
        "support_by_detail",
        "recognition",
    )
    SMART_FIELDS = {
        "specific": "specific — say exactly what the pupil will do",
        "measure": "measurable — give the measure",
        "baseline": "measurable — give the baseline to measure from",
        "achievable": "achievable — say why it is within the pupil's reach",
        "result": "results-focused — say what result it leads to",
        "due_on": "time-bound — give the date by which it is met",
    }

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveSmallIntegerField()
    specific = models.TextField("specific: what the pupil will do", blank=True)
    measure = models.CharField("measurable: how it is measured", max_length=300, blank=True)
    baseline = models.CharField("measurable: the baseline now", max_length=300, blank=True)
    achievable = models.TextField("achievable: why it is within reach", blank=True)
    result = models.TextField("results-focused: the result it leads to", blank=True)
    due_on = models.DateField("time-bound: met by", null=True, blank=True)
    step = models.PositiveSmallIntegerField(
        "step", default=1, help_text="Stepped targets: 1 first, then 2, …"
    )
    support = models.TextField("support to meet it", blank=True)
    support_by = models.CharField("support given by", max_length=10, choices=SupportBy.choices, blank=True)
    support_by_detail = models.CharField("who exactly", max_length=200, blank=True)
    recognition = models.TextField("recognition and reward when the pupil makes the effort", blank=True)
    reason = models.CharField("why it changed", max_length=300, blank=True)
    revised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "target", "version"], name="target_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} v{self.version}: {self.specific[:60]}"

    def missing_smart(self) -> list[str]:
        return [
            label for name, label in self.SMART_FIELDS.items() if not (str(getattr(self, name) or "").strip())
        ]

    def clean(self) -> None:
        missing = self.missing_smart()
        if missing:
            raise ValidationError("This target is not SMART yet. Missing: " + "; ".join(missing) + ".")
        if self.version > 1 and not self.reason.strip():
            raise ValidationError({"reason": "Say why the target is being revised."})


class Meeting(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial meeting"
        REVIEW = "review", "Review meeting"
        FINAL = "final", "Final meeting"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    week = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Review point in weeks (4, 8…).")
    held_on = models.DateField()
    agenda = models.TextField(blank=True)
    attendees = models.ManyToManyField(Party, related_name="meetings", blank=True)
    summary = models.TextField()
    commitments_review = models.TextField("each party's commitments reviewed", blank=True)
    further_measures = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "created_at"]

    def __str__(self) -> str:
        label = (
            f"{self.week}-week review"
            if self.kind == self.Kind.REVIEW and self.week
            else self.get_kind_display()
        )
        return f"{label} on {self.held_on:%d %b %Y}"


class TargetProgress(models.Model):
    class Progress(models.TextChoices):
        NOT_MET = "not_met", "Not met"
        PARTLY = "partly", "Partly met"
        MET = "met", "Met"

    SCORES = {"not_met": 0, "partly": 1, "met": 2}

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="progress")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="progress")
    progress = models.CharField(max_length=10, choices=Progress.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "meeting", "target"], name="progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.get_progress_display()}"


class Signature(models.Model):
    """An attendee's signature on the targets as they stood (the set of revision ids signed)."""

    class Method(models.TextChoices):
        ON_SCREEN = "on_screen", "Signed on screen"
        LINK = "link", "Signed by link"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="signatures")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="signatures")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    signed_name = models.CharField(max_length=200)
    method = models.CharField(max_length=10, choices=Method.choices)
    revision_ids = models.JSONField(default=list)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at"]

    def __str__(self) -> str:
        return f"{self.signed_name} signed {self.signed_at:%d %b %Y}"


class Alert(models.Model):
    """Between reviews, monitoring needs the coordinator: the plan may be failing (contact the parents), or no
    scores have been recorded for too long (get the report card filled in)."""

    class Kind(models.TextChoices):
        FAILING = "failing", "The plan may be failing: contact the parents"
        NO_SCORES = "no_scores", "No scores recorded: get the report card filled in"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FAILING)
    raised_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=400)
    # Missing scores: the last score (or the plan's start) the gap counts from, so each gap is alerted once.
    gap_starts_on = models.DateField(null=True, blank=True)
    parents_contacted_on = models.DateField(null=True, blank=True)
    resolution = models.TextField("what was discussed with the parents", blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "plan", "gap_starts_on"],
                condition=Q(kind="no_scores"),
                name="alert_one_per_scores_gap",
            ),
            models.CheckConstraint(
                condition=Q(parents_contacted_on__isnull=True) | Q(resolved_on__isnull=False),
                name="alert_resolved_when_parents_contacted",
            ),
        ]

    def __str__(self) -> str:
        return f"Alert on {self.plan}: {self.reason[:60]}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


# --- Arranged in advance: meetings, invitations, home and school ---------------------------


class PlannedMeeting(models.Model):
    """A meeting the school arranges in advance (the initial meeting, a review, the final meeting): when and
    where, who is invited, and, once held, the record of it (with who came)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="planned_meetings")
    kind = models.CharField(max_length=10, choices=Meeting.Kind.choices)
    week = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Review point in weeks (4, 8…).")
    starts_at = models.DateTimeField("date and time")
    duration_minutes = models.PositiveSmallIntegerField(
        "length in minutes", default=45, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    place = models.CharField(max_length=200, blank=True, help_text="For example: Meeting room 2, main site.")
    video_link = models.URLField("video link", blank=True, help_text="For those joining online.")
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    meeting = models.OneToOneField(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="planned"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""), name="planned_meeting_has_place_or_link"
            )
        ]

    def __str__(self) -> str:
        label = f"{self.week}-week review" if self.kind == Meeting.Kind.REVIEW and self.week else None
        return f"{label or self.get_kind_display()} at {self.starts_at:%H:%M on %d %b %Y}"

    def clean(self) -> None:
        if not self.place.strip() and not self.video_link.strip():
            raise ValidationError("Give a place, a video link, or both.")

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_pending(self) -> bool:
        """Neither held (recorded) nor cancelled."""
        return self.meeting_id is None and self.cancelled_at is None


class Invitation(models.Model):
    """One party invited to a planned meeting, at the address Pastoral e-mailed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    planned = models.ForeignKey(PlannedMeeting, on_delete=models.CASCADE, related_name="invitations")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    sent_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["party__kind", "party__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "planned", "party"], name="invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.party.name} invited to {self.planned}"


class HomeContact(models.Model):
    """The home–school contact log of a plan: each call, e-mail, letter or meeting with the family."""

    class Direction(models.TextChoices):
        TO_HOME = "to_home", "School to home"
        FROM_HOME = "from_home", "Home to school"

    class Method(models.TextChoices):
        PHONE = "phone", "Telephone"
        EMAIL = "email", "E-mail"
        MEETING = "meeting", "In person"
        LETTER = "letter", "Letter"
        MESSAGE = "message", "Text or app message"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="home_contacts")
    occurred_on = models.DateField("date")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    with_whom = models.CharField("with", max_length=200, help_text="For example: Mrs Archer (mother).")
    summary = models.TextField("what was said or agreed")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.get_direction_display().lower()} on {self.occurred_on}"


# --- Documents the guidance names -----------------------------------------------------------


def document_path(instance: PlanDocument, filename: str) -> str:
    return f"support_plans/{instance.plan_id}/{secrets.token_hex(16)}"


class PlanDocument(models.Model):
    """A document kept beside the plan (the IEP, above all), stored outside the web root with a random name."""

    class Kind(models.TextChoices):
        IEP = "iep", "Individual Education Plan (IEP)"
        SEN_SUPPORT = "sen_support", "SEN support plan"
        REPORT = "report", "Report from an outside agency"
        OTHER = "other", "Other document"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.IEP)
    title = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=document_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title or self.original_name


class CommunicationPassport(models.Model):
    """A one-page profile of the pupil for every adult who teaches them: how I communicate, what helps, what does
    not, who to talk to. One a pupil, kept by the PSP coordinator and shown to the pupil's teachers."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="communication_passport")
    how_i_communicate = models.TextField("how I communicate")
    what_helps = models.TextField("what helps me")
    what_does_not_help = models.TextField("what does not help me")
    who_to_talk_to = models.TextField("who I talk to when I need help")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Communication Passport of {self.pupil}"


class PlanAction(models.Model):
    """An action agreed between reviews, with its owner and due date, ticked off when done."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_on", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_by__isnull=False),
                name="plan_action_done_by_someone",
            )
        ]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, today: datetime.date) -> bool:
        return self.done_on is None and self.due_on < today
