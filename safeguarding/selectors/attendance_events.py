"""Attendance crossing persistent (≥ 10%) or severe (≥ 50%) absence, as dated events on a child's chronology.

Each academic year is walked day by day over the pupil's marks (one query, `attendance.selectors.pupil_marks`):
absence is authorised plus unauthorised sessions over possible sessions, as `attendance.selectors.per_pupil`
counts it, to the end of each day. An event is dated the school day the year-to-date figure reaches a threshold,
and the day it falls back below; a year's figures are read from its 10th possible session on (a school week),
so that one absence on the first morning is not "severe absence"."""

from __future__ import annotations

import datetime
from itertools import groupby
from typing import Any

MIN_POSSIBLE = 10
LEVELS = ("", "persistent", "severe")
TITLES = {
    "persistent": "Attendance: persistent absence",
    "severe": "Attendance: severe absence",
    "": "Attendance: no longer persistently absent",
}


def _level(possible: int, absent: int) -> str:
    if possible < MIN_POSSIBLE:
        return ""
    if absent * 2 >= possible:
        return "severe"
    if absent * 10 >= possible:
        return "persistent"
    return ""


def crossings(days: list[tuple[datetime.date, int, int]]) -> list[tuple[datetime.date, str, int, int]]:
    """From (day, possible sessions that day, absent sessions that day) in date order, one academic year: each day
    the year-to-date level changes, with the new level and the year's totals so far."""
    events, level, possible, absent = [], "", 0, 0
    for on, day_possible, day_absent in days:
        possible, absent = possible + day_possible, absent + day_absent
        now = _level(possible, absent)
        if now != level:
            events.append((on, now, possible, absent))
            level = now
    return events


def attendance_events(pupil: Any) -> list[tuple[datetime.date, str, str]]:
    """(day, title, detail) for every crossing in every academic year the pupil has marks."""
    from attendance.codes import Category
    from attendance.selectors import academic_year_start, pupil_marks

    marks = sorted(
        (m.date, m.category)
        for m in pupil_marks(pupil, datetime.date(1900, 1, 1), datetime.date(9999, 12, 31))
        if m.category <= Category.UNAUTHORISED
    )
    absent_codes = {Category.AUTHORISED, Category.UNAUTHORISED}
    found = []
    for year, in_year in groupby(marks, key=lambda m: academic_year_start(m[0])):
        days = [
            (on, len(rows), sum(1 for _, c in rows if c in absent_codes))
            for on, rows in ((on, list(group)) for on, group in groupby(in_year, key=lambda m: m[0]))
        ]
        for on, level, possible, absent in crossings(days):
            pct = f"{absent * 100 / possible:.1f}%"
            detail = f"{absent} of {possible} possible sessions missed since {year.day} {year:%B %Y} ({pct})"
            found.append((on, TITLES[level], detail))
    return found
