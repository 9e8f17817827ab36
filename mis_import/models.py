from __future__ import annotations

from django.conf import settings
from django.db import models

from organisations.models import Organisation

# The kinds of file that can be the whole list: a contacts file never ends anything.
WHOLE_FILE_KINDS = ("pupils", "groups", "staff")


class ImportJob(models.Model):
    """One uploaded MIS file: checked in the background, previewed, then imported all at once or not at all."""

    class Kind(models.TextChoices):
        PUPILS = "pupils", "Pupils"
        CONTACTS = "contacts", "Parents and carers"
        GROUPS = "groups", "Groups, members and staff"
        STAFF = "staff", "Staff"
        MARKS = "marks", "Attendance marks"  # planned by attendance (attendance/imports.py)
        GRADES = "grades", "Achievement: grades"  # planned by achievement (achievement/imports.py)
        INITIAL = "initial", "Achievement: initial assessment"  # planned by achievement
        FACTORS = "factors", "Pupil premium, FSM, young carer and SEN"  # planned by early_warning

    class Encoding(models.TextChoices):
        AUTO = "auto", "Detect it (UTF-8, else Windows-1252 or Mac Roman)"
        UTF8 = "utf-8", "UTF-8 (CSV UTF-8)"
        CP1252 = "cp1252", "Windows-1252 (older Excel “CSV”)"
        MAC_ROMAN = "mac_roman", "Mac Roman (Excel for Mac “CSV (Macintosh)”)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Checking"
        READY = "ready", "Ready to import"
        INVALID = "invalid", "Has errors"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Failed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    encoding = models.CharField(max_length=10, choices=Encoding.choices, default=Encoding.UTF8)
    content = models.BinaryField(help_text="The file as uploaded.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{line, column, message}, …]")
    error_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(
        default=dict, blank=True, help_text="Counts: new, updated, unchanged, and more."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A whole file (every pupil on roll, every group membership and tutor/PAL role, or every member of staff) may
    # end what is missing from it, only when the importer asks.
    is_whole_file = models.BooleanField(
        default=False,
        help_text="The file lists every record of its kind, so what is missing from it has ended.",
    )
    end_missing = models.BooleanField(
        default=False, help_text="The importer asked to end what is missing from the file."
    )
    ends_on = models.DateField(
        null=True, blank=True, help_text="The date given to what ended (the pupils' leaving date)."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.filename}"

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.CHECKING, self.Status.IMPORTING)

    @property
    def rows_without_problems(self) -> int:
        """The rows the preview's counts describe: every row of a file that passed; of a file with problems, the
        rows with none (a check before that count was kept: every row, as it then said)."""
        if self.status != self.Status.INVALID:
            return self.total_rows
        return int((self.summary or {}).get("clean_rows", self.total_rows))

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
