"""Lesson registers (internal monitoring; never part of the statutory figures)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attendance import selectors
from attendance.models import (
    Register,
    Session,
)
from attendance.services.registers import Entry, _clean_entry, _take_register
from audit.services import record_event
from people.models import Group

# --- Lesson registers -------------------------------------------------------------------------

LESSON_NAME_MAX = 60


@dataclass
class LessonRegisterResult:
    register: Register
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    conflicts: list[int] = field(default_factory=list)


def save_lesson_register(
    *,
    actor: Any,
    group: Group,
    date: datetime.date,
    session: str,
    lesson: str,
    entries: dict[int, Entry],
    reason: str = "",
    now: datetime.datetime | None = None,
) -> LessonRegisterResult:
    """Save a lesson register in one transaction. Lesson marks are internal monitoring: they never touch
    `AttendanceMark` or the statutory figures. Changes to saved marks are written to the audit log
    (old → new per pupil); a mark someone else changed since the page was loaded is reported, not overwritten.
    """
    from attendance.models import LessonMark

    lesson = _check_lesson_register(
        group=group, date=date, session=session, lesson=lesson, entries=entries, now=now
    )
    now = now or timezone.now()
    with transaction.atomic():
        register = _take_register(group, date, session, lesson, actor=actor, now=now)
        result = LessonRegisterResult(register=register)
        existing = {m.pupil_id: m for m in LessonMark.objects.select_for_update().filter(register=register)}
        to_create, to_update, changes = [], [], {}
        for pupil_id, entry in entries.items():
            mark = existing.get(pupil_id)
            code, minutes = entry.code, entry.minutes_late if entry.code in ("L", "U") else None
            if mark is None:
                if entry.original:  # it had a mark when the page was loaded: marks are never removed
                    result.conflicts.append(pupil_id)
                    continue
                to_create.append(
                    LessonMark(
                        organisation_id=group.organisation_id,
                        register=register,
                        pupil_id=pupil_id,
                        code=code,
                        minutes_late=minutes,
                        recorded_by=actor,
                        recorded_at=now,
                    )
                )
                continue
            if (entry.original is not None and entry.original == code) or (
                mark.code == code and mark.minutes_late == minutes
            ):
                result.unchanged += 1  # left as found (keep whatever is saved now), or saved as asked already
                continue
            if entry.original is not None and entry.original != mark.code:
                result.conflicts.append(pupil_id)
                continue
            changes[str(pupil_id)] = [
                _lesson_value(mark.code, mark.minutes_late),
                _lesson_value(code, minutes),
            ]
            mark.code, mark.minutes_late, mark.recorded_by, mark.recorded_at = code, minutes, actor, now
            to_update.append(mark)
        LessonMark.objects.bulk_create(to_create)
        LessonMark.objects.bulk_update(to_update, ["code", "minutes_late", "recorded_by", "recorded_at"])
        result.created, result.changed = len(to_create), len(to_update)
        if to_create or to_update:
            note = f"lesson register saved: {len(to_create)} new, {len(to_update)} changed marks"
            if to_update and reason.strip():
                note += f"; reason: {reason.strip()[:200]}"
            record_event(action="update", actor=actor, obj=register, changes=changes, note=note)
    return result


def _check_lesson_register(
    *,
    group: Group,
    date: datetime.date,
    session: str,
    lesson: str,
    entries: dict[int, Entry],
    now: datetime.datetime | None,
) -> str:
    """Refuse a lesson register that cannot be saved as given; the lesson's name, tidied, if it can."""
    from attendance.codes import TUTOR_CODES

    lesson = " ".join(lesson.split())
    if not lesson:
        raise ValidationError({"lesson": "Give the lesson or period, e.g. 'P3 Maths'."})
    if len(lesson) > LESSON_NAME_MAX:
        raise ValidationError({"lesson": f"The lesson name can have at most {LESSON_NAME_MAX} characters."})
    if session not in Session.values:
        raise ValidationError({"session": "Unknown session."})
    if date > timezone.localdate(now or timezone.now()):
        raise ValidationError({"date": "Lesson registers cannot be taken for future days."})
    for pupil_id, entry in entries.items():
        _clean_entry(pupil_id, entry)
        if entry.code not in TUTOR_CODES:
            raise ValidationError({str(pupil_id): f"{entry.code!r} cannot be used in a lesson register."})
    allowed = {p.pk for p in selectors.register_pupils(group, date)}
    stray = set(entries) - allowed
    if stray:
        raise ValidationError(f"{len(stray)} pupil(s) are not in this group on that date.")
    return lesson


def _lesson_value(code: str, minutes: int | None) -> str:
    return f"{code} ({minutes} min)" if minutes else code
