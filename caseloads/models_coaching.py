"""Coaching and the listening service: one-to-one coaching sessions, and first-stage listening notes that can
become a safeguarding referral (signposting) or a concern passed to the DSL (the safeguarding app's services)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from organisations.models import Organisation


class CoachingSession(models.Model):
    """A one-to-one coaching session with a student: the focus, notes, the outcome and the next step."""

    class Focus(models.TextChoices):
        ATTITUDE = "attitude", "Attitude to learning"
        ATTENDANCE = "attendance", "Attendance"
        RETENTION = "retention", "Retention"
        PUNCTUALITY = "punctuality", "Punctuality"
        BEHAVIOUR = "behaviour", "Positive behaviour"
        STUDY = "study", "Study skills"
        EMPLOYABILITY = "employability", "Employability skills"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="coaching_sessions")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("held on")
    focus = models.CharField(max_length=20, choices=Focus.choices)
    notes = models.TextField(blank=True)
    outcome = models.TextField()
    next_step = models.CharField("next step", max_length=300, blank=True)
    next_on = models.DateField("next step by", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "pupil", "held_on"]),
            models.Index(fields=["organisation", "coach", "held_on"]),
        ]

    def __str__(self) -> str:
        return f"Coaching for {self.pupil} on {self.held_on:%-d %b %Y}"


class ListeningNote(models.Model):
    """A first-stage listening note: what the student said. Sensitive: the student's PAL and the DSL team only.

    It may become a referral (`safeguarding.services.referral_create`, source "listening_note") or be passed to the
    DSL as a concern (`safeguarding.services.concern_log`); the note keeps a link to either."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="listening_notes")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    heard_on = models.DateField("date")
    said = models.TextField("what the student said", max_length=10000)
    guidance = models.TextField("guidance given", blank=True, max_length=5000)
    referral = models.ForeignKey(
        "safeguarding.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concern = models.ForeignKey(
        "safeguarding.Concern", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-heard_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "pupil", "heard_on"])]

    def __str__(self) -> str:
        return f"Listening note for {self.pupil} on {self.heard_on:%-d %b %Y}"

    @property
    def status(self) -> str:
        if self.referral_id:
            return "Referred"
        if self.concern_id:
            return "Passed to the DSL"
        return "Open"
