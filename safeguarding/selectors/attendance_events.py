"""Attendance crossing persistent (≥ 10%) or severe (≥ 50%) absence, as dated events on a child's chronology.

Each academic year is walked day by day over the pupil's marks (one query, `attendance.selectors.pupil_marks`):
absence is authorised plus unauthorised sessions over possible sessions, as `attendance.selectors.per_pupil`
counts it, to the end of each day. An event is dated the school day the year-to-date figure reaches a threshold,
and the day it falls back below; a year's figures are read from its 10th possible session on (a school week),
so that one absence on the first morning is not "severe absence".

A **missing-education pattern** is a run of consecutive school days (days the pupil had possible sessions) on which
every possible session was an unauthorised absence (unexplained included): the event is dated the run's tenth school
day, the continuous period after which a school must tell the local authority of a child who may be missing
education, and a second event the day the child is next in school (or absent with permission). Runs carry across
holidays and academic years, since a day without possible sessions is not a school day."""

from __future__ import annotations

import datetime
from itertools import groupby
from typing import Any

MIN_POSSIBLE = 10
MISSING_DAYS = 10
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


def missing_runs(
    days: list[tuple[datetime.date, int, int]],
) -> list[tuple[datetime.date, str, int, datetime.date]]:
    """From (day, possible sessions, unauthorised sessions) in date order: ("missing", the tenth school day of a run
    of whole days of unauthorised absence) and ("back", the first school day after such a run), each with the run's
    length so far and its first day."""
    events: list[tuple[datetime.date, str, int, datetime.date]] = []
    run, first = 0, None
    for on, possible, unauthorised in days:
        if possible == 0:
            continue
        if unauthorised == possible:
            run, first = run + 1, first or on
            if run == MISSING_DAYS:
                events.append((on, "missing", run, first))
            continue
        if run >= MISSING_DAYS and first:
            events.append((on, "back", run, first))
        run, first = 0, None
    return events


def _missing_events(marks: list[tuple[datetime.date, int]]) -> list[tuple[datetime.date, str, str]]:
    from attendance.codes import Category

    days = [
        (on, len(rows), sum(1 for _, c in rows if c == Category.UNAUTHORISED))
        for on, rows in ((on, list(group)) for on, group in groupby(marks, key=lambda m: m[0]))
    ]
    found = []
    for on, kind, run, first in missing_runs(days):
        if kind == "missing":
            detail = f"Unauthorised absence every session for {run} consecutive school days since {first.day} {first:%B %Y}"
            found.append((on, "Attendance: missing education pattern", detail))
        else:
            detail = f"In school or absent with permission after {run} consecutive school days' unauthorised absence"
            found.append((on, "Attendance: back after missing education", detail))
    return found


def attendance_events(pupil: Any) -> list[tuple[datetime.date, str, str]]:
    """(day, title, detail) for every crossing in every academic year the pupil has marks, and every
    missing-education pattern, in date order."""
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
    return sorted(found + _missing_events(marks), key=lambda event: event[0])
