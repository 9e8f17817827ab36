"""Retention: the attendance records past their keeping period."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from attendance.models import AttendanceMark, Register
from attendance.selectors.registers import settings_for
from core.retention import years_before
from organisations.models import Organisation

# --- Retention ---------------------------------------------------------------------------------
# A pupil under a retention hold (`Pupil.retention_hold`: a claim, an inquiry) keeps every record: the hold
# overrides every period below, the statutory six years included.
NOT_HELD = Q(pupil__retention_hold="")


def expired_amendments(organisation: Organisation, today: datetime.date) -> QuerySet:
    """Amendments whose `keep_until` (six years after the amendment) is before today."""
    from attendance.models import MarkAmendment

    cutoff = years_before(today, MarkAmendment.RETENTION_YEARS)
    # keep_until is computed from amended_at's date in UTC (as stored), so the cutoff is too.
    moment = datetime.datetime.combine(cutoff, datetime.time.min, tzinfo=datetime.UTC)
    return MarkAmendment.objects.filter(NOT_HELD, organisation=organisation, amended_at__lt=moment)


def expired_marks(organisation: Organisation, today: datetime.date) -> QuerySet:
    """Statutory marks dated more than six years ago: register entries are kept six years (standards.md)."""
    from attendance.models import MarkAmendment

    return AttendanceMark.objects.filter(
        NOT_HELD, organisation=organisation, date__lt=years_before(today, MarkAmendment.RETENTION_YEARS)
    )


def expired_registers(organisation: Organisation, today: datetime.date) -> QuerySet:
    """Session and lesson registers dated more than six years ago (their lesson marks go with them), but not
    a lesson register holding a mark of a pupil under a retention hold."""
    from attendance.models import MarkAmendment

    return Register.objects.filter(
        organisation=organisation, date__lt=years_before(today, MarkAmendment.RETENTION_YEARS)
    ).exclude(lesson_marks__pupil__retention_hold__gt="")


def expired_contact_logs(organisation: Organisation, today: datetime.date) -> QuerySet:
    """Contact logs of pupils who left more than the school's set number of years ago (none if it set none)."""
    from attendance.models import ContactLog

    years = settings_for(organisation).contact_log_years_after_leaving
    if years is None:
        return ContactLog.objects.none()
    return ContactLog.objects.filter(
        NOT_HELD,
        organisation=organisation,
        pupil__left_on__isnull=False,
        pupil__left_on__lt=years_before(today, years),
    )


@dataclass
class RetentionCounts:
    organisation: Organisation
    amendments: int
    contact_logs: int
    marks: int = 0
    lesson_marks: int = 0
    registers: int = 0

    @property
    def total(self) -> int:
        return self.amendments + self.contact_logs + self.marks + self.lesson_marks + self.registers


def retention_counts(*, organisation: Organisation, today: datetime.date | None = None) -> RetentionCounts:
    """What the retention job would delete for a school today (the dry run)."""
    today = today or timezone.localdate()
    from attendance.models import LessonMark

    registers = expired_registers(organisation, today)
    return RetentionCounts(
        organisation,
        expired_amendments(organisation, today).count(),
        expired_contact_logs(organisation, today).count(),
        marks=expired_marks(organisation, today).count(),
        lesson_marks=LessonMark.objects.filter(register__in=registers).count(),
        registers=registers.count(),
    )
