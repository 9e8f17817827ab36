"""Safeguarding records: concerns, the DSL team's decisions and actions, chronology entries and child protection
status. KCSIE: once saved, none of them is edited or deleted; a correction is a new record linked to the one it
corrects, and both stay on the file (`Immutable`)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from organisations.models import Organisation
from people.models import Pupil

IMMUTABLE_MESSAGE = "Safeguarding records are never edited or deleted: record a correction instead."


class ImmutableRecord(TypeError):
    """Raised on any attempt to change or remove a saved safeguarding record."""


class ImmutableQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRecord(IMMUTABLE_MESSAGE)

    def delete(self) -> tuple[int, dict[str, int]]:  # type: ignore[override]
        raise ImmutableRecord(IMMUTABLE_MESSAGE)


class Immutable(models.Model):
    """A record written once: saving it again, or deleting it, raises `ImmutableRecord`."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableRecord(IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(IMMUTABLE_MESSAGE)


class Category(models.TextChoices):
    """KCSIE's kinds of abuse, neglect and exploitation."""

    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    NEGLECT = "neglect", "Neglect"
    CHILD_ON_CHILD = "child_on_child", "Child-on-child abuse (incl. sexual harassment)"
    ONLINE = "online", "Online safety"
    RADICALISATION = "radicalisation", "Radicalisation"
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "County lines / criminal exploitation"
    CSE = "cse", "Child sexual exploitation"
    FGM = "fgm", "Female genital mutilation"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SELF_HARM = "self_harm", "Self-harm"
    MISSING_EDUCATION = "missing_education", "Missing education"
    OTHER = "other", "Other"


class Concern(Immutable):
    """What a member of staff saw or heard about a child, in their words and the child's."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="safeguarding_concerns")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now, db_index=True)
    happened_at = models.DateTimeField("when it happened")
    location = models.CharField("where", max_length=200)
    category = models.CharField(max_length=30, choices=Category.choices)
    seen_or_heard = models.TextField("what you saw or heard", max_length=10000)
    child_words = models.TextField("the child's own words, exactly as said", max_length=10000, blank=True)
    others_present = models.TextField("who else was present", max_length=2000, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    correction_reason = models.TextField("what this corrects, and why", max_length=2000, blank=True)

    class Meta:
        ordering = ["-logged_at", "-id"]
        indexes = [models.Index(fields=["organisation", "pupil", "-logged_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True) | ~models.Q(correction_reason=""),
                name="concern_correction_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Safeguarding concern #{self.pk}"


def attachment_path(instance: ConcernAttachment, filename: str) -> str:
    return f"safeguarding/{instance.organisation_id}/{secrets.token_hex(16)}"


class ConcernAttachment(Immutable):
    """A file logged with a concern, stored outside the web root under a random name."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Decision(Immutable):
    """The DSL team's decision on a concern, and the reason for it (KCSIE)."""

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        MONITOR = "monitor", "Monitor"
        SPEAK = "speak", "Speak to the child / parents"
        EARLY_HELP = "early_help", "Early help"
        SOCIAL_CARE = "social_care", "Referral to children's social care"
        POLICE = "police", "Referral to the police"
        LADO = "lado", "LADO (allegation against staff)"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField("the reason for this decision", max_length=5000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"Decision #{self.pk}: {self.get_outcome_display()}"


class Action(Immutable):
    """Something the DSL team agreed will be done about a concern, by whom and by when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Action #{self.pk}: {self.description[:60]}"


class ActionDone(Immutable):
    """That an action was done (actions themselves are never changed): when, by whom, and what came of it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="done")
    done_on = models.DateField()
    note = models.TextField("what came of it", max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "actions done"

    def __str__(self) -> str:
        return f"Action #{self.action_id} done on {self.done_on:%d %b %Y}"


class ConcernLink(Immutable):
    """A link between concerns about different children (siblings, the same incident), with why."""

    class Reason(models.TextChoices):
        SIBLING = "sibling", "Siblings or the same household"
        SAME_INCIDENT = "incident", "The same incident"
        OTHER = "other", "Other connection"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="links_out")
    linked = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="links_in")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "concern", "linked"], name="concern_link_once"),
            models.CheckConstraint(
                condition=~models.Q(concern=models.F("linked")), name="concern_link_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"Concern #{self.concern_id} linked to #{self.linked_id}"


class ChronologyEntry(Immutable):
    """A contact, discussion or meeting the DSL team records on a child's chronology."""

    class Kind(models.TextChoices):
        CONTACT = "contact", "Contact (phone call, e-mail, visit)"
        DISCUSSION = "discussion", "Discussion"
        MEETING = "meeting", "Meeting"
        NOTE = "note", "Other note"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="safeguarding_entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField()
    summary = models.TextField(max_length=5000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name_plural = "chronology entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on:%d %b %Y}"


class ProtectionStatus(Immutable):
    """A child's child protection status from a date; the latest row (by start date) is the current status."""

    class Status(models.TextChoices):
        CP_PLAN = "cp_plan", "Child protection plan"
        CHILD_IN_NEED = "cin", "Child in need"
        LOOKED_AFTER = "lac", "Looked after child"
        EARLY_HELP = "early_help", "Early help"
        PREVIOUS_PLAN = "previous_plan", "Previously on a child protection plan"
        NONE = "none", "No status"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="protection_statuses")
    status = models.CharField(max_length=20, choices=Status.choices)
    starts_on = models.DateField()
    note = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name_plural = "protection statuses"

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {self.starts_on:%d %b %Y}"


class SafeguardingSettings(models.Model):
    """Which roles see the discreet child-protection flag elsewhere (default: the DSL team only)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    flag_roles = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "safeguarding settings"

    def __str__(self) -> str:
        return f"Safeguarding settings for {self.organisation}"


# --- Referrals and signposting -----------------------------------------------------------------


class Agency(models.Model):
    """An agency the school refers or signposts to, with its contact details and how soon it should answer.

    A list the school manages (not a record about a child), so it may be edited."""

    class Kind(models.TextChoices):
        COUNSELLING = "counselling", "Counselling service"
        CAMHS = "camhs", "CAMHS"
        SCHOOL_NURSE = "school_nurse", "School nurse"
        EARLY_HELP = "early_help", "Early help"
        SOCIAL_CARE = "social_care", "Children's social care"
        POLICE = "police", "Police"
        LADO = "lado", "LADO"
        OTHER = "other", "Other service"

    class Awaits(models.TextChoices):
        ACKNOWLEDGEMENT = "ack", "An acknowledgement"
        DECISION = "decision", "A decision (accepted or declined)"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    contact = models.TextField("contact details", max_length=2000, blank=True)
    awaits = models.CharField("the timer waits for", max_length=10, choices=Awaits.choices)
    response_days = models.PositiveSmallIntegerField("answer expected within (days)")
    working_days = models.BooleanField(
        "count working days (Monday to Friday)",
        default=True,
        help_text="Untick to count calendar days.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="sg_agency_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


SIGNPOSTING_KINDS = frozenset(
    {Agency.Kind.COUNSELLING, Agency.Kind.CAMHS, Agency.Kind.SCHOOL_NURSE, Agency.Kind.OTHER}
)


class Referral(Immutable):
    """A referral or signposting of a child to an agency: when, by whom, why, consent, and when an answer is due."""

    class Consent(models.TextChoices):
        GIVEN = "given", "Consent given"
        REFUSED = "refused", "Consent refused"
        NOT_SOUGHT = "not_sought", "Not sought: seeking it would put the child at risk"
        NOT_NEEDED = "not_needed", "Not needed (the child is at risk of significant harm)"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="safeguarding_referrals")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals")
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    made_on = models.DateField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=5000)
    consent = models.CharField(max_length=20, choices=Consent.choices)
    consent_note = models.CharField("about consent", max_length=500, blank=True)
    answer_due_on = models.DateField("answer expected by")
    source = models.CharField("made from", max_length=40, blank=True)
    source_ref = models.CharField(max_length=40, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [models.Index(fields=["organisation", "answer_due_on"])]

    def __str__(self) -> str:
        return f"Referral #{self.pk} to {self.agency}"


class ReferralUpdate(Immutable):
    """A step in a referral's life: acknowledged, accepted or declined, waiting, seen, closed (with the outcome)."""

    class Status(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WAITING = "waiting", "Waiting to be seen"
        SEEN = "seen", "Seen"
        CLOSED = "closed", "Closed"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="updates")
    status = models.CharField(max_length=20, choices=Status.choices)
    on = models.DateField()
    reference = models.CharField("the agency's reference", max_length=100, blank=True)
    note = models.TextField("what they said, or the outcome", max_length=5000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.on:%d %b %Y}"


# --- Transfer of the child protection file ---------------------------------------------------


class FileTransfer(Immutable):
    """The child protection file sent to the pupil's next school: to whom, when, and the single-use link's hash."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="safeguarding_transfers")
    to_school = models.CharField("receiving school", max_length=200)
    to_name = models.CharField("receiving DSL", max_length=200)
    to_email = models.EmailField("receiving DSL's e-mail")
    to_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    sent_on = models.DateField()
    token_hash = models.CharField(max_length=64, db_index=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"CP file transfer #{self.pk} to {self.to_school}"


class TransferDownload(Immutable):
    """The single use of a transfer's link: when the file was fetched (a second fetch is refused)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    transfer = models.OneToOneField(FileTransfer, on_delete=models.PROTECT, related_name="download")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Transfer #{self.transfer_id} fetched"


class TransferReceipt(Immutable):
    """The receiving DSL's confirmation that the file arrived."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    transfer = models.OneToOneField(FileTransfer, on_delete=models.PROTECT, related_name="receipt")
    confirmed_at = models.DateTimeField(default=timezone.now)
    confirmed_by_name = models.CharField("your name", max_length=200)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Transfer #{self.transfer_id} received"


def received_path(instance: ReceivedFile, filename: str) -> str:
    from core.uploads import random_name

    return random_name(f"safeguarding/{instance.organisation_id}/received")


class ReceivedFile(Immutable):
    """A child protection file received from the child's previous school (sent through Pastoral, or uploaded from
    a school elsewhere), put on the child's file here: the PDF and JSON as they came, and the records as
    read-only chronology rows. The source transfer is the sending school's number (a row of another
    organisation, which that school may destroy), not a foreign key."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="safeguarding_received_files")
    from_school = models.CharField("previous school", max_length=200)
    from_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_transfer_ref = models.PositiveIntegerField(
        "transfer number at the sending school", null=True, blank=True
    )
    received_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=200, blank=True)
    generated_at = models.DateTimeField("exported by the sending school at")
    pdf = models.FileField(upload_to=received_path, max_length=200, blank=True)
    document = models.FileField(upload_to=received_path, max_length=200)
    rows = models.JSONField("the records as chronology rows", default=list)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_transfer_ref"],
                condition=models.Q(source_transfer_ref__isnull=False),
                name="sg_received_transfer_once",
            )
        ]

    def __str__(self) -> str:
        return f"CP file received from {self.from_school}"


# --- Safety-net meetings ----------------------------------------------------------------------


class SafetyNetMeeting(models.Model):
    """A safety-net meeting for a site or curriculum area (twice a term); its minutes and actions are immutable."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    area = models.CharField("site or curriculum area", max_length=200)
    site = models.ForeignKey(
        "organisations.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year_group = models.PositiveSmallIntegerField(null=True, blank=True)
    group = models.ForeignKey(
        "people.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["organisation", "area", "on"])]

    def __str__(self) -> str:
        return f"Safety-net meeting, {self.area}, {self.on:%d %b %Y}"


class MeetingAttendance(Immutable):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(SafetyNetMeeting, on_delete=models.PROTECT, related_name="attendance")
    name = models.CharField(max_length=200)
    role = models.CharField("role or agency", max_length=200, blank=True)
    present = models.BooleanField(default=True, help_text="Untick for apologies.")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class MeetingMinute(Immutable):
    """What the meeting said about one student."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(SafetyNetMeeting, on_delete=models.PROTECT, related_name="minutes")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=5000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Minute #{self.pk}"


class MeetingAction(Immutable):
    """An action from a safety-net meeting; open ones are carried to the next meeting of the area."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(SafetyNetMeeting, on_delete=models.PROTECT, related_name="actions")
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class MeetingActionDone(Immutable):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    action = models.OneToOneField(MeetingAction, on_delete=models.PROTECT, related_name="done")
    done_on = models.DateField()
    note = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Meeting action #{self.action_id} done"


# --- Retention and subject access -------------------------------------------------------------


class RetentionReview(Immutable):
    """A child's safeguarding file listed for review: date of birth + 25 years passed and no hold was set."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("kept until")
    listed_on = models.DateField()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "pupil"], name="sg_retention_review_once"),
        ]

    def __str__(self) -> str:
        return f"Safeguarding file of pupil #{self.pupil_id} due for review"


class SubjectAccessDecision(Immutable):
    """The DSL's decision on what of a child's safeguarding records a subject-access export includes, and why."""

    class Scope(models.TextChoices):
        WITHHOLD = "withhold", "Withhold all safeguarding records"
        STATUS_ONLY = "status", "Include the child protection status only"
        INCLUDE = "include", "Include the records (concerns, decisions, referrals, status)"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField("the export", max_length=10, choices=Scope.choices)
    reason = models.TextField("the reason for this decision", max_length=5000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"Subject-access decision #{self.pk}: {self.get_scope_display()}"


# --- Destruction after the retention review -----------------------------------------------------


class FileHold(models.Model):
    """A legal hold on a child's safeguarding file (an inquiry, a claim, a police request): while it is in force
    the file cannot be destroyed, whatever its age. Placed and lifted by the DSL, each with a reason (audited)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("why the file must be kept", max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField("why it may now go", max_length=300, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]

    def __str__(self) -> str:
        return f"Legal hold #{self.pk} on a safeguarding file"


class FileDestruction(Immutable):
    """What remains of a child's safeguarding file after the DSL destroyed it: who, when, why and how many records
    of each kind went. No personal content: the pupil is a bare id (no foreign key, so the pupil record can go)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pupil_ref = models.PositiveIntegerField("pupil id")
    destroyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    destroyed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField("the reason, without personal details", max_length=2000)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-destroyed_at", "-id"]

    def __str__(self) -> str:
        return f"Safeguarding file destroyed (record #{self.pk})"
