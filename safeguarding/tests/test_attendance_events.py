"""Attendance crossing persistent or severe absence as dated chronology events (hand-computed)."""

from __future__ import annotations

import datetime

import pytest

from attendance.tests.helpers import marks
from core.testing.personas import build_school_world
from safeguarding import selectors
from safeguarding.selectors.attendance_events import crossings

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
