"""Small helpers for attendance tests: marks written the way the services write them."""

from __future__ import annotations

import datetime
from typing import Any

from attendance import rollup
from attendance.codes import category_of
from attendance.models import AttendanceMark

MONDAY = datetime.date(2026, 10, 5)


def weekdays(start: datetime.date, count: int) -> list[datetime.date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def mark(
    pupil: Any, date: datetime.date, session: str, code: str, minutes_late: int | None = None
) -> AttendanceMark:
    return AttendanceMark.objects.create(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        date=date,
        session=session,
        code=code,
        minutes_late=minutes_late if code in ("L", "U") else None,
    )


def marks(pupil: Any, codes: list[str], start: datetime.date = MONDAY) -> list[datetime.date]:
    """One mark per session from `start`, AM then PM, school days only; returns the dates used."""
    days = weekdays(start, (len(codes) + 1) // 2)
    rows = []
    for i, code in enumerate(codes):
        rows.append(
            AttendanceMark(
                organisation_id=pupil.organisation_id,
                pupil=pupil,
                date=days[i // 2],
                session="AM" if i % 2 == 0 else "PM",
                code=code,
                category=int(category_of(code)),
                minutes_late=5 if code == "L" else None,
            )
        )
    AttendanceMark.objects.bulk_create(rows)
    rollup.apply(rollup.Change(m.organisation_id, m.pupil_id, m.date, None, m.category) for m in rows)
    return days
