"""The attendance officer's home panel reads in a fixed number of queries, however many tutor groups the school
has: the registers not taken are one aggregate query (each group's pupils, those unmarked and whether its register
is taken, counted together), not two.

On a chosen day, Wednesday 14 October 2026 at 08:50 (the morning register is open), never the day the tests run;
and on Saturday 17 October, which is not a school day."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.permissions import access_for
from attendance import selectors, services
from attendance.models import Session
from core.registry import HOME_PANELS
from core.testing.clock import fixed_clock
from core.testing.factories import GroupFactory, GroupMembershipFactory, PupilFactory
from core.testing.world import shared_world
from organisations.calendar import DayOff
from organisations.models import Organisation

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 14)
AT = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(8, 50)))
world = shared_world(at=AT)

# The school's register times (1); today's calendar (2: terms, closures), read once for the day off and the
# registers not taken alike; the registers not taken (1) and their tutors (1); the N queue's calendar (2) and count
# (1); first-day calls (1); lesson absences after registration (1).
PANEL_QUERIES = 10


def _officer_panel(world):
    """The officer's panel as the home page asks for it (the officer's access already read, as by a request)."""
    request = RequestFactory().get("/")
    request.user = world.attendance_officer
    request.organisation = Organisation.objects.get(pk=world.school.pk)
    access_for(world.attendance_officer)
    panel = next(p for p in HOME_PANELS if p.key == "attendance-officer")
    with CaptureQueriesContext(connection) as queries:
        found = panel.context(request)
    return found, len(queries.captured_queries)


def test_it_reads_the_officers_home_panel_in_ten_queries(world):
    """9A, 9B and 10A's morning registers not taken: counted in the panel's ten queries, today's calendar read once."""
    found, queries = _officer_panel(world)
    assert found["not_taken"] == 3
    assert queries == PANEL_QUERIES


def test_it_reads_the_panel_in_as_many_queries_with_more_groups_taken_or_not(world):
    """Six more tutor groups, three of their registers saved with a pupil unmarked: the same ten queries."""
    for n in range(6):
        group = GroupFactory(organisation=world.school, name=f"11{n}", year_group=11)
        for _ in range(2):
            GroupMembershipFactory(group=group, pupil=PupilFactory(organisation=world.school, year_group=11))
        if n % 2:
            pupil = selectors.register_pupils(group, DAY)[0]
            services.save_register(
                actor=world.attendance_officer,
                group=group,
                date=DAY,
                session=Session.AM,
                entries={pupil.pk: services.Entry("/", original="")},
                now=AT,
            )
    found, queries = _officer_panel(world)
    assert found["not_taken"] == 9
    assert queries == PANEL_QUERIES


def test_it_reads_the_registers_not_taken_in_one_query_and_the_tutors(world):
    """`registers_not_taken` (after the day's calendar): the groups with their counts in one query, then the tutors."""
    calendar_queries = 2
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.registers_not_taken(world.school, DAY, Session.AM)
    assert [r["group"].name for r in rows] == ["9A", "9B", "10A"]
    assert len(queries.captured_queries) == calendar_queries + 2


def test_it_says_why_saturday_is_no_school_day_from_the_calendar_it_reads_once(world, monkeypatch):
    """On Saturday 17 October: no register counted as not taken, the weekend given as why, Monday offered next."""
    saturday = datetime.date(2026, 10, 17)
    fixed_clock(monkeypatch, timezone.make_aware(datetime.datetime.combine(saturday, datetime.time(10))))
    found, _ = _officer_panel(world)
    assert found["not_taken"] == 0
    assert found["day_off"] == DayOff(saturday, "the weekend", datetime.date(2026, 10, 19))


def test_it_says_nothing_of_a_day_off_on_a_school_day(world):
    """On Wednesday the panel has no day off to show."""
    found, _ = _officer_panel(world)
    assert found["day_off"] is None
