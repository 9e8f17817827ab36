"""Early warning: each school's thresholds and weights, the "reviewed — support in place" marks, and the
characteristics the MIS holds that no other app records yet (pupil premium, free school meals, young carer)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from organisations.models import Organisation
from people.models import Pupil


class WarningSettings(models.Model):
    """A school's choices: each indicator on or off, its weight and thresholds, and the score that flags.

    `values` holds only what differs from the defaults (`early_warning.registry`), keyed "<indicator>.<param>";
    a missing key means the default, so a new indicator arrives switched on with its defaults.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    values = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "warning settings"
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="warning_settings_one_per_school")
        ]

    def __str__(self) -> str:
        return f"Early-warning settings for {self.organisation}"


class Review(models.Model):
    """A student marked "reviewed — support in place": they stay on the list, shown as not needing action until
    their score rises above what it was when reviewed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="warning_reviews")
    reviewed_on = models.DateField()
    note = models.TextField(max_length=2000, help_text="What support is in place, and who is providing it.")
    score = models.PositiveSmallIntegerField(help_text="The student's full score when reviewed.")
    # The points of each indicator that was on when reviewed ({key: points}), so each viewer compares the score
    # they see now with the part of the reviewed score they may see (a hidden line never moves their list).
    lines = models.JSONField(default=dict, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "pupil", "-reviewed_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "pupil"])]

    def __str__(self) -> str:
        return f"Reviewed on {self.reviewed_on:%d %b %Y}"


class StudentFactor(models.Model):
    """Characteristics from the MIS that the early-warning list counts: pupil premium, FSM, young carer."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="warning_factors")
    pupil_premium = models.BooleanField(default=False)
    free_school_meals = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "pupil"], name="student_factor_one_per_pupil")
        ]

    def __str__(self) -> str:
        return f"Characteristics of {self.pupil}"


class Watermark(models.Model):
    """How many times the records a school's list reads have changed: every write to them moves it on, in the same
    transaction and after the write (`early_warning.kept`). A kept list is fresh while this has not moved."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    changes = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation"], name="watermark_one_per_school")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.changes} changes"


class KeptList(models.Model):
    """A school's list for a day, as every indicator found it (every line, the sensitive ones too: what a viewer
    may see is decided when the list is read), kept while the school's records and settings stay as they were.

    `hits`: {pupil id: [[indicator key, evidence], …]} for every pupil on roll with an indicator on, on `on`;
    `week_ago`: {pupil id: [indicator key, …]} seven days before (to find the new entrants);
    `watermark`: the school's `Watermark.changes` read before the list was computed; `signature`: the settings
    and the registered indicators it was computed with."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()
    watermark = models.BigIntegerField()
    signature = models.CharField(max_length=64)
    hits = models.JSONField(default=dict)
    week_ago = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "on"], name="kept_list_one_per_school_and_day")
        ]

    def __str__(self) -> str:
        return f"Early-warning list of {self.organisation} on {self.on:%d %b %Y}"
