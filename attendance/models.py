"""Registers, marks, amendments and follow-up. The mark table is kept compact for trust-scale figures."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from attendance.codes import CODE_CHOICES, CODES, category_of
from organisations.models import Organisation
from people.models import Contact, Group, Pupil


class Session(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"


class AttendanceSettings(models.Model):
    """A school's register times: each register opens at the session start and closes after a set time."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="attendance_settings"
    )
    am_starts_at = models.TimeField("Morning registration starts", default=datetime.time(8, 40))
    pm_starts_at = models.TimeField("Afternoon registration starts", default=datetime.time(13, 30))
    open_minutes = models.PositiveSmallIntegerField(
        "Minutes a register stays open",
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(30)],
        help_text="Registers stay open at most 30 minutes; a later arrival is marked U.",
    )
    escalate_automatically = models.BooleanField(
        "Record escalation stages automatically",
        default=False,
        help_text="Each night, pupils who meet the entry rule of their next stage are moved to it "
        "(one stage at a time). Off: the office records them from the 'Escalations due' list.",
    )
    contact_log_years_after_leaving = models.PositiveSmallIntegerField(
        "Keep contact logs for (years after the pupil leaves)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(25)],
        help_text="Pastoral notes are kept until the pupil leaves plus a period the school sets (IRMS). "
        "Blank: contact logs are never deleted.",
    )

    class Meta:
        verbose_name_plural = "attendance settings"

    def __str__(self) -> str:
        return f"Attendance settings for {self.organisation}"

    def closes_at(self, session: str) -> datetime.time:
        start = self.am_starts_at if session == Session.AM else self.pm_starts_at
        moment = datetime.datetime.combine(datetime.date(2000, 1, 1), start) + datetime.timedelta(
            minutes=self.open_minutes
        )
        return moment.time()


class Register(models.Model):
    """One taking of a group's register for a session (or, optionally, a lesson)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="registers")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    lesson = models.CharField(
        max_length=60,
        blank=True,
        default="",
        help_text="Blank for the statutory morning/afternoon register; a lesson or period name for a lesson register.",
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date", "session", "group__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "group", "date", "session", "lesson"],
                name="attendance_register_unique",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "date", "session"])]

    def __str__(self) -> str:
        what = self.lesson or self.get_session_display()
        return f"{self.group} {what} register, {self.date:%d %b %Y}"

    @property
    def is_taken(self) -> bool:
        return self.taken_at is not None


class AttendanceMark(models.Model):
    """The statutory mark for one pupil and one session. `category` is derived from `code` on save."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="attendance_marks", db_index=False
    )
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=2, choices=CODE_CHOICES)
    category = models.PositiveSmallIntegerField(editable=False)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "pupil", "date", "session"], name="attendance_mark_unique"
            ),
            models.CheckConstraint(condition=Q(session__in=["AM", "PM"]), name="attendance_mark_session"),
            models.CheckConstraint(
                condition=~Q(code="L") | Q(minutes_late__isnull=False), name="attendance_late_has_minutes"
            ),
        ]
        # (pupil, date, session) is the unique index: one pupil's history. Figures by organisation
        # and date range read a covering index, never the table.
        indexes = [
            models.Index(
                fields=["organisation", "date", "pupil", "category"], name="attendance_org_date_cov"
            ),
            models.Index(fields=["organisation", "code", "date"], name="attendance_org_code_date"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.date} {self.session} {self.code}"

    def save(self, *args, **kwargs) -> None:
        """Save the mark and keep the weekly roll-up in step, in one transaction.

        Bulk writes (`bulk_create`, `bulk_update`) bypass this: the services that use them call
        `rollup.apply` themselves.
        """
        from attendance import rollup

        self.category = int(category_of(self.code))
        before = None if self._state.adding else getattr(self, "_saved", None)
        if before is None and not self._state.adding and self.pk is not None:
            row = (
                AttendanceMark.objects.filter(pk=self.pk)
                .values_list("organisation_id", "pupil_id", "date", "category")
                .first()
            )
            before = tuple(row) if row else None  # type: ignore[assignment]
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            changes = [rollup.Change(self.organisation_id, self.pupil_id, self.date, None, self.category)]
            if before is not None:
                changes.append(rollup.Change(before[0], before[1], before[2], before[3], None))
            rollup.apply(changes)
        self._saved = self._rollup_key()

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Delete the mark and take it out of the weekly roll-up (queryset deletes must use `rollup.rebuild`)."""
        from attendance import rollup

        with transaction.atomic(savepoint=False):
            before = (
                AttendanceMark.objects.filter(pk=self.pk)
                .values_list("organisation_id", "pupil_id", "date", "category")
                .first()
            )
            result = super().delete(*args, **kwargs)
            if before:
                rollup.apply([rollup.Change(before[0], before[1], before[2], before[3], None)])
        return result

    @classmethod
    def from_db(cls, db, field_names, values):  # type: ignore[no-untyped-def]
        instance = super().from_db(db, field_names, values)
        instance._saved = instance._rollup_key()
        return instance

    def _rollup_key(self) -> tuple[int, int, datetime.date, int | None] | None:
        """What the weekly roll-up last counted for this mark (None when not all loaded)."""
        loaded = self.__dict__
        if any(f not in loaded for f in ("organisation_id", "pupil_id", "date", "category")):
            return None
        return (self.organisation_id, self.pupil_id, self.date, self.category)

    def clean(self) -> None:
        if self.code not in CODES:
            raise ValidationError({"code": "Not a national attendance code."})
        if self.code == "L" and not self.minutes_late:
            raise ValidationError({"minutes_late": "Enter how many minutes late the pupil arrived."})
        if self.code not in ("L", "U"):
            self.minutes_late = None

    @property
    def meaning(self) -> str:
        return CODES[self.code].meaning


class AmendmentQuerySet(models.QuerySet):
    def delete(self):  # type: ignore[override]
        raise ValidationError(
            "Amendments are kept for six years; only the retention job (services.apply_retention) removes them."
        )


class MarkAmendment(models.Model):
    """An append-only record of a change to a saved mark: original, new, who, when, why. Kept 6 years."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="attendance_amendments")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    original_code = models.CharField(max_length=2)
    original_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    new_code = models.CharField(max_length=2)
    new_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    amended_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)

    RETENTION_YEARS = 6

    objects = AmendmentQuerySet.as_manager()

    class Meta:
        ordering = ["-amended_at"]
        indexes = [models.Index(fields=["pupil", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.session}: {self.original_code} → {self.new_code}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError("Amendments are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise ValidationError("Amendments are kept for six years and cannot be deleted here.")

    @property
    def keep_until(self) -> datetime.date:
        d = self.amended_at.date()
        try:
            return d.replace(year=d.year + self.RETENTION_YEARS)
        except ValueError:  # 29 February
            return d.replace(year=d.year + self.RETENTION_YEARS, day=28)


class ContactLog(models.Model):
    """A contact made about a pupil's attendance: who was contacted, how, what happened, what next."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        LETTER = "letter", "Letter"
        EMAIL = "email", "E-mail"
        TEXT = "text", "Text message"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="attendance_contacts")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_whom = models.CharField(
        "Spoke or wrote to",
        max_length=150,
        blank=True,
        help_text="If not one of the pupil's recorded contacts.",
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    outcome = models.TextField()
    next_step = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} about {self.pupil} on {self.occurred_at:%d %b %Y}"

    @property
    def recipient(self) -> str:
        return str(self.contact) if self.contact_id else self.to_whom


class LetterTemplate(models.Model):
    """A letter to parents; `$placeholders` are filled in for each pupil (see docs/attendance.md)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    body = models.TextField(
        help_text="Placeholders: $pupil_name, $contact_name, $school_name, $attendance_rate, "
        "$absence_rate, $start, $end, $today."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EscalationStage(models.Model):
    """A school's stages for persistent absence, in order: e.g. letter, meeting, attendance plan."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    letter_template = models.ForeignKey(
        LetterTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The entry rule: blank threshold means the stage is only ever recorded by hand.
    threshold_percent = models.PositiveSmallIntegerField(
        "Absence rate at least (%)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Absence over the academic year to date. Blank: this stage is recorded by hand only.",
    )
    min_possible_sessions = models.PositiveSmallIntegerField(
        "Minimum possible sessions",
        default=20,
        validators=[MaxValueValidator(400)],
        help_text="Not before the pupil has this many possible sessions this year (a rate on a few sessions misleads).",
    )
    min_school_days_since_previous = models.PositiveSmallIntegerField(
        "School days after the previous stage",
        default=0,
        validators=[MaxValueValidator(200)],
        help_text="At least this many school days after the pupil reached the previous stage.",
    )

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "order"], name="attendance_stage_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class PupilEscalation(models.Model):
    """A pupil reaching a stage of the school's escalation for persistent absence."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="attendance_escalations")
    stage = models.ForeignKey(EscalationStage, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(default=timezone.localdate)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-stage__order"]

    def __str__(self) -> str:
        return f"{self.pupil} at {self.stage}"


class AttendanceRollup(models.Model):
    """One pupil's possible sessions over a span of whole weeks, counted by category: what school and trust
    figures read instead of millions of marks.

    Two spans are kept: every week (`span_weeks` 1, from its Monday) and every four-week block (`span_weeks`
    4, blocks counted from Monday 1 January 1990). A year to date is then ~9 blocks and a few weeks a pupil
    instead of ~380 marks. Kept in step with every mark write in the same transaction (`attendance.rollup`);
    it holds only counts recomputable from `AttendanceMark`, and `rollup.rebuild` / `rollup.differences` do.
    """

    WEEK, BLOCK = 1, 4

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+", db_index=False)
    span_weeks = models.PositiveSmallIntegerField(choices=[(1, "week"), (4, "four weeks")])
    starts_on = models.DateField(help_text="The Monday the span starts.")
    present = models.SmallIntegerField(default=0)
    attending = models.SmallIntegerField(default=0)
    authorised = models.SmallIntegerField(default=0)
    unauthorised = models.SmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "pupil", "span_weeks", "starts_on"], name="attendance_rollup_unique"
            ),
        ]
        # Covering: school and trust figures are index-only scans (no INCLUDE on SQLite, so columns).
        indexes = [
            models.Index(
                fields=[
                    "organisation",
                    "span_weeks",
                    "starts_on",
                    "pupil",
                    "present",
                    "attending",
                    "authorised",
                    "unauthorised",
                ],
                name="attendance_rollup_cov",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id}: {self.span_weeks} week(s) from {self.starts_on}"


class LessonMark(models.Model):
    """A pupil's mark in a lesson register: internal monitoring, never part of the statutory figures."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="lesson_marks")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="lesson_marks")
    code = models.CharField(max_length=2, choices=CODE_CHOICES)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["register", "pupil"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "register", "pupil"], name="attendance_lesson_mark_unique"
            ),
            models.CheckConstraint(
                condition=~Q(code="L") | Q(minutes_late__isnull=False), name="attendance_lesson_late_minutes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.register} {self.code}"

    @property
    def meaning(self) -> str:
        return CODES[self.code].meaning

    def clean(self) -> None:
        if self.register_id and not self.register.lesson:
            raise ValidationError(
                {"register": "Lesson marks belong to a lesson register, not a session register."}
            )
        if self.code not in CODES:
            raise ValidationError({"code": "Not a national attendance code."})
        if self.code == "L" and not self.minutes_late:
            raise ValidationError({"minutes_late": "Enter how many minutes late the pupil arrived."})
        if self.code not in ("L", "U"):
            self.minutes_late = None
