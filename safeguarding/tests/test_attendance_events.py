"""Attendance crossing persistent or severe absence as dated chronology events (hand-computed)."""

from __future__ import annotations

import datetime

import pytest

from attendance.tests.helpers import marks
from core.testing.personas import build_school_world
from safeguarding import selectors
from safeguarding.selectors.attendance_events import crossings, missing_runs

D = [datetime.date(2026, 9, 7) + datetime.timedelta(days=i) for i in range(20)]


def test_it_dates_each_crossing_from_the_tenth_possible_session():
    """Absent every session for 5 days: nothing before the 10th session, then severe (10/10) on day 5; present
    after: still severe at exactly 50% (10/20, day 10), persistent at 10/22 (45.5%, day 11), and still
    persistent on day 20 (10/40 = 25%)."""
    days = [(D[i], 2, 2) for i in range(5)] + [(D[i], 2, 0) for i in range(5, 20)]
    assert crossings(days) == [(D[4], "severe", 10, 10), (D[10], "persistent", 22, 10)]


def test_it_records_falling_back_below_persistent():
    """One absence in ten sessions: persistent (10%) on the fifth day; 1 in 12 (8.3%) the next: no longer."""
    days = [(D[0], 2, 1)] + [(D[i], 2, 0) for i in range(1, 6)]
    assert crossings(days) == [(D[4], "persistent", 10, 1), (D[5], "", 12, 1)]


@pytest.mark.django_db
def test_it_puts_the_crossings_on_the_chronology_in_date_order():
    """Marks from Mon 7 Sep 2026: an O on the first morning, then present: persistent on Fri 11 Sep (1 of 10),
    no longer on Mon 14 Sep (1 of 12)."""
    world = build_school_world()
    marks(world.alice, ["O"] + ["/"] * 11, start=datetime.date(2026, 9, 7))
    entries = selectors.chronology(world.alice, {"attendance"})
    assert [(e.on, e.title) for e in entries] == [
        (datetime.date(2026, 9, 11), "Attendance: persistent absence"),
        (datetime.date(2026, 9, 14), "Attendance: no longer persistently absent"),
    ]
    assert entries[0].detail == "1 of 10 possible sessions missed since 1 September 2026 (10.0%)"


def test_a_missing_education_pattern_is_dated_the_tenth_whole_day_of_unauthorised_absence():
    """Nine whole days of unauthorised absence, an authorised day, then ten more: nothing for the first run (nine
    is not ten; a day with permission breaks the run); the second run is "missing" on its tenth day (D[19]); a
    holiday (no possible session) between days does not break it; a half day in school does."""
    days = [(D[i], 2, 2) for i in range(9)] + [(D[9], 2, 0)] + [(D[i], 2, 2) for i in range(10, 20)]
    assert missing_runs(days) == [(D[19], "missing", 10, D[10])]
    with_holiday = days[:14] + [(D[14], 0, 0)] + days[14:]
    assert missing_runs(with_holiday) == [(D[19], "missing", 10, D[10])]
    half_day = days[:14] + [(D[14], 2, 1)] + days[15:]
    assert missing_runs(half_day) == []


def test_the_return_after_a_missing_education_run_is_its_own_event():
    """Twelve whole days away, then present: "missing" on day 10 and "back" on day 13 with the run's 12 days."""
    days = [(D[i], 2, 2) for i in range(12)] + [(D[12], 2, 0)]
    assert missing_runs(days) == [(D[9], "missing", 10, D[0]), (D[12], "back", 12, D[0])]


@pytest.mark.django_db
def test_the_missing_education_pattern_is_on_the_chronology():
    """From Mon 7 Sep 2026: ten school days of O (two weeks, weekends skipped), then present on Mon 21 Sep. Severe
    absence on Fri 11 Sep (10 of 10 sessions); the pattern on Fri 18 Sep, the 10th school day; back (and still
    severe, 20 of 22) on Mon 21 Sep."""
    world = build_school_world()
    marks(world.alice, ["O"] * 20 + ["/", "/"], start=datetime.date(2026, 9, 7))
    entries = selectors.chronology(world.alice, {"attendance"})
    assert [(e.on, e.title) for e in entries] == [
        (datetime.date(2026, 9, 11), "Attendance: severe absence"),
        (datetime.date(2026, 9, 18), "Attendance: missing education pattern"),
        (datetime.date(2026, 9, 21), "Attendance: back after missing education"),
    ]
    assert entries[1].detail == (
        "Unauthorised absence every session for 10 consecutive school days since 7 September 2026"
    )
