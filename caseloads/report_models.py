"""Termly reports to parents: one batch of reports for a group, a PAL's caseload or a year group, generated in
the background (progress kept on the row), then downloaded as one ZIP or e-mailed to the students' contacts.

Imported by `caseloads.models`, so Django finds the model in the caseloads app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from organisations.models import Organisation


class ReportBatch(models.Model):
    """The termly reports of a group, a caseload or a year, with who asked, the period, progress and failures."""

    class Scope(models.TextChoices):
        GROUP = "group", "A group"
        CASELOAD = "caseload", "A PAL's caseload"
        YEAR = "year", "A year group"

    class Delivery(models.TextChoices):
        DOWNLOAD = "download", "Download every report as one ZIP"
        EMAIL = "email", "E-mail each report to the student's parents and carers"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Generating"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    group = models.ForeignKey(
        "people.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pal = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year_group = models.SmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=100)
    starts_on = models.DateField("from")
    ends_on = models.DateField("to")
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # [{"pupil_id", "name", "error"}]: students whose report could not be made; the rest are kept.
    failures = models.JSONField(default=list, blank=True)
    # [{"pupil_id", "name"}]: e-mail batches only, students with no parent or carer the school may write to.
    unsent = models.JSONField(default=list, blank=True)
    emails_sent = models.PositiveIntegerField(default=0)
    archive = models.BinaryField(blank=True, default=b"")
    # When the retention job deleted the ZIP (kept REPORT_ZIP_DAYS days after the batch finished, then generated
    # again on demand): the row stays, with its counts and failures.
    archive_expired_at = models.DateTimeField("ZIP deleted at", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "requested_by", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="report_batch_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} reports ({self.get_scope_display().lower()})"

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
