"""Retention: deleting attendance records past their keeping period."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from attendance import rollup, selectors
from attendance.models import (
    MarkAmendment,
)
from attendance.selectors.retention import RetentionCounts
from audit.services import record_event
from organisations.models import Organisation

# --- Retention ---------------------------------------------------------------------------------


def apply_retention(
    *, organisation: Organisation, today: datetime.date | None = None, actor: Any = None
) -> RetentionCounts:
    """Delete amendments past their keep-until date, statutory marks and registers (with their lesson marks)
    dated more than six years ago, and contact logs past the school's period, in one transaction, and record
    one audit event with the counts. The pupils whose old marks went have their roll-up rebuilt from what
    remains, in the same transaction.

    This is the only place amendments are deleted: it deliberately bypasses the append-only guard on
    `MarkAmendment`'s queryset. Contact logs go by a raw delete so the audit log gets one summary, not a copy
    of every note it is meant to forget.
    """
    from attendance.models import LessonMark

    today = today or timezone.localdate()
    with transaction.atomic():
        amendments = selectors.expired_amendments(organisation, today)
        deleted_amendments, _ = _delete_past_guard(amendments)
        contacts = selectors.expired_contact_logs(organisation, today)
        deleted_contacts = contacts._raw_delete(contacts.db) if contacts.exists() else 0
        marks = selectors.expired_marks(organisation, today)
        pupil_ids = list(marks.order_by().values_list("pupil_id", flat=True).distinct())
        deleted_marks = marks._raw_delete(marks.db) if pupil_ids else 0
        if pupil_ids:
            rollup.rebuild(pupil_ids=pupil_ids)
        registers = selectors.expired_registers(organisation, today)
        lesson_marks = LessonMark.objects.filter(register__in=registers.values("pk"))
        deleted_lesson_marks = lesson_marks._raw_delete(lesson_marks.db) if lesson_marks.exists() else 0
        deleted_registers = registers._raw_delete(registers.db) if registers.exists() else 0
        counts = RetentionCounts(
            organisation,
            deleted_amendments,
            deleted_contacts,
            marks=deleted_marks,
            lesson_marks=deleted_lesson_marks,
            registers=deleted_registers,
        )
        if counts.total:
            record_event(
                action="delete",
                actor=actor,
                organisation_id=organisation.pk,
                object_type=MarkAmendment._meta.label,
                note=f"retention: {counts.amendments} attendance amendment(s) older than six years, "
                f"{counts.marks} mark(s) and {counts.registers} register(s) ({counts.lesson_marks} lesson "
                f"mark(s)) dated more than six years ago, and {counts.contact_logs} contact log(s) past the "
                "school's period deleted",
            )
    return counts


def _delete_past_guard(qs: Any) -> tuple[int, dict[str, int]]:
    """Django's own QuerySet.delete, past `AmendmentQuerySet.delete`'s refusal (retention only)."""
    from django.db.models import QuerySet

    return QuerySet.delete(qs)
