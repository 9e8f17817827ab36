"""Passports and progression: a school-defined checklist (e.g. the Progression Passport, the Employability Seal)
ticked off per student with evidence, and each student's progression targets and destination."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from organisations.models import Organisation


class Passport(models.Model):
    """A school's checklist: e.g. "Progression Passport" or "Employability Seal"."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="passport_name_once")]

    def __str__(self) -> str:
        return self.name


class PassportItem(models.Model):
    """One item of a passport's checklist."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["passport", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "passport", "title"], name="passport_item_title_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PassportCompletion(models.Model):
    """A student completed a passport item: on which day, with an evidence note."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(PassportItem, on_delete=models.CASCADE, related_name="completions")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="passport_completions")
    completed_on = models.DateField("completed on")
    evidence = models.TextField("evidence", blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["item", "pk"]
        indexes = [models.Index(fields=["organisation", "pupil"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "item", "pupil"], name="passport_item_completed_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} for {self.pupil}"


class Progression(models.Model):
    """A student's progression targets and destination (intended, then confirmed)."""

    class Status(models.TextChoices):
        NONE = "", "Not known yet"
        INTENDED = "intended", "Intended"
        CONFIRMED = "confirmed", "Confirmed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="progression")
    targets = models.TextField("progression targets", blank=True, max_length=3000)
    destination = models.CharField(
        "destination",
        max_length=300,
        blank=True,
        help_text="E.g. Level 3 Engineering here; an apprenticeship.",
    )
    destination_status = models.CharField(
        "destination is", max_length=10, choices=Status.choices, blank=True, default=""
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "pupil"], name="progression_once")]

    def __str__(self) -> str:
        return f"Progression for {self.pupil}"

    def clean(self) -> None:
        if self.destination_status and not self.destination.strip():
            raise ValidationError({"destination": "Say what the destination is."})
        if self.destination.strip() and not self.destination_status:
            raise ValidationError({"destination_status": "Say whether it is intended or confirmed."})
