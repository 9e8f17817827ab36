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
