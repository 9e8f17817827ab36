"""The caseload home's next group sessions: planned sessions starting after now, never today's that have already
started (at 18:51 on Mon 7 Dec the demo listed that day's 11:00, 12:00 and 13:00, also under "to record")."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from caseloads import selectors, services
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 18, 51, tzinfo=datetime.UTC)  # Mon 7 Dec, London on GMT
TODAY = NOW.date()

world = shared_world(at=NOW)


def _plan(world, day, hour, minute=0):
    start = datetime.time(hour, minute)
    return services.session_plan(
        actor=world.pal,
        group=world.group_9a,
        date=day,
        starts_at=start,
        ends_at=datetime.time(hour + 1, minute),
    )


def _when(sessions):
    return [(s.date.day, s.starts_at.strftime("%H:%M")) for s in sessions]


def _demo_day(world):
    """Today's 11:00, 12:00 and 13:00 (started), today's 19:30 (to come), Friday the 4th and Tuesday the 8th."""
    for hour in (11, 12, 13):
        _plan(world, TODAY, hour)
    _plan(world, TODAY, 19, 30)
    _plan(world, datetime.date(2026, 12, 4), 9)
    _plan(world, datetime.date(2026, 12, 8), 9)


def test_it_lists_only_sessions_starting_after_now(world):
    """At 18:51 the next sessions are today's 19:30 and tomorrow's 9:00, not the morning's."""
    _demo_day(world)
    groups = [world.group_9a, world.group_10a]
    assert _when(selectors.next_sessions(groups, NOW)) == [(7, "19:30"), (8, "09:00")]


def test_it_puts_every_started_session_under_to_record_and_no_other(world):
    """The sessions to record are those started by now (the 4th and this morning's), none also listed as next."""
    _demo_day(world)
    groups = [world.group_9a, world.group_10a]
    assert _when(selectors.to_record(groups, NOW)) == [(4, "09:00"), (7, "11:00"), (7, "12:00"), (7, "13:00")]
    assert not {s.pk for s in selectors.to_record(groups, NOW)} & {
        s.pk for s in selectors.next_sessions(groups, NOW)
    }


def test_it_reads_the_start_in_the_schools_local_time(world):
    """At 10:30 UTC on a June day (11:30 in London) an 11:00 session has started and a 12:00 one has not."""
    june = datetime.date(2027, 6, 7)
    _plan(world, june, 11)
    _plan(world, june, 12)
    now = datetime.datetime(2027, 6, 7, 10, 30, tzinfo=datetime.UTC)
    groups = [world.group_9a]
    assert _when(selectors.next_sessions(groups, now)) == [(7, "12:00")]
    assert _when(selectors.to_record(groups, now)) == [(7, "11:00")]


def test_it_shows_the_pal_only_sessions_to_come_under_next_on_the_home_page(world):
    """The caseload home at 18:51 lists 19:30 and tomorrow as next, and this morning's three to record."""
    _demo_day(world)
    response = client_for(world.pal).get(reverse("caseloads:home"))
    assert _when(response.context["next_sessions"]) == [(7, "19:30"), (8, "09:00")]
    assert len(response.context["to_record"]) == 4
    assert b"Mon 7 Dec 11:00" not in response.content
