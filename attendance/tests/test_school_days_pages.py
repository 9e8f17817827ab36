"""Registers are due only on school days: the register pages say plainly when a day is not one and offer the next,
nothing counts as missing then, and the school-day counts (N queue, suspensions) follow the school's calendar.

Oakfield records the 2026-27 autumn and spring terms with a half-term week (core/testing/calendar.py); 9A is
taught at the north site. The pages that read today themselves are asked with Django's clock stopped on a chosen
day, never the day the tests run."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from access.models import RoleAssignment
from attendance import selectors, services
from attendance.models import AttendanceMark
from attendance.tests.helpers import mark
from core.testing.calendar import (
    FRIDAY,
    HALF_TERM,
    LAST_DAY_OF_AUTUMN,
    SATURDAY,
    SPRING_STARTS,
    THURSDAY,
    WEDNESDAY,
    day,
    record_terms,
)
from core.testing.clock import fixed_clock
from core.testing.factories import SiteFactory
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from organisations.models import Closure
from people.models import Group, GroupMembership

pytestmark = pytest.mark.django_db

SATURDAY_5_DECEMBER = day(12, SATURDAY)
WEDNESDAY_9_DECEMBER = day(13, WEDNESDAY)
NOT_A_SCHOOL_DAY = "No registers today: Saturday 5 December is not a school day (the weekend)."


def _build_world():
    w = build_school_world()
    record_terms(w.school)
    # Pupils and roles date from long before the chosen days (the factories date them from the real today).
    GroupMembership.objects.update(starts_on=datetime.date(2020, 9, 1))
    RoleAssignment.objects.update(starts_on=datetime.date(2020, 9, 1))
    w.north = SiteFactory(organisation=w.school, name="North site")
    Group.objects.filter(pk=w.group_9a.pk).update(site=w.north)
    return w


world = shared_world(_build_world)


def _at(date: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(
        date.year, date.month, date.day, hour, tzinfo=datetime.UTC
    )  # UTC is UK time in winter


def _names(rows) -> list[str]:
    return [r["group"].name for r in rows]


def test_it_tells_the_tutor_there_are_no_registers_on_saturday(world, monkeypatch):
    """My registers and the tutor's home panel: no register due, the reason, and Monday offered."""
    fixed_clock(monkeypatch, _at(SATURDAY_5_DECEMBER))
    client = client_for(world.tutor)
    body = client.get(reverse("attendance:my_registers")).content.decode()
    assert NOT_A_SCHOOL_DAY in body and "Not taken" not in body and "Take 9A" not in body
    assert 'href="/attendance/?date=2026-12-07">Monday 7 December</a>' in body
    monday = client.get(reverse("attendance:my_registers"), {"date": "2026-12-07"}).content.decode()
    assert "Not due yet" in monday and "Not taken" not in monday  # offered, but not yet to be taken
    home = client.get(reverse("home")).content.decode()
    assert NOT_A_SCHOOL_DAY in home and "9A morning</a>" not in home


def test_it_lists_no_register_not_taken_on_saturday(world, monkeypatch):
    """The officer's list and home panel: nothing not taken on Saturday; the next school day is offered."""
    fixed_clock(monkeypatch, _at(SATURDAY_5_DECEMBER))
    assert selectors.registers_not_taken(world.school, SATURDAY_5_DECEMBER, "AM") == []
    client = client_for(world.attendance_officer)
    response = client.get(reverse("attendance:not_taken"))
    body = response.content.decode()
    assert response.context["rows"] == [] and NOT_A_SCHOOL_DAY in body
    assert 'id="not-taken"' not in body and "has been taken" not in body
    assert 'href="/attendance/not-taken/?date=2026-12-07&amp;session=AM">Monday 7 December</a>' in body
    home = client.get(reverse("home")).content.decode()
    assert "none today, Saturday 5 December is not a school day (the weekend)" in home
    assert "morning register" not in home  # the count of registers not taken is not shown


def test_it_gives_the_pal_no_register_to_check_on_saturday(world, monkeypatch):
    """The caseload: every group listed, no register "Not taken", nothing to check; the home panel agrees."""
    fixed_clock(monkeypatch, _at(SATURDAY_5_DECEMBER))
    client = client_for(world.pal)
    response = client.get(reverse("attendance:caseload"))
    body = response.content.decode()
    assert _names(response.context["rows"]) == ["9A", "10A"] and response.context["to_check"] == []
    assert NOT_A_SCHOOL_DAY in body and "Not taken" not in body and "Nothing to check." in body
    home = client.get(reverse("home")).content.decode()
    assert NOT_A_SCHOOL_DAY in home and "morning register not taken" not in home


def test_it_still_follows_up_an_n_recorded_on_a_day_off(world, monkeypatch):
    """A recorded N is a real absence to follow up whatever the day; only missing registers stop counting."""
    fixed_clock(monkeypatch, _at(SATURDAY_5_DECEMBER))
    mark(world.alice, SATURDAY_5_DECEMBER, "AM", "N")  # a Saturday event the school took a register for
    response = client_for(world.pal).get(reverse("attendance:caseload"))
    assert _names(response.context["to_check"]) == ["9A"]
    assert "9A: 1 unexplained absence" in response.content.decode()
    calls = client_for(world.attendance_officer).get(reverse("attendance:first_day_calls")).content.decode()
    assert NOT_A_SCHOOL_DAY in calls and "Log a call about Alice Archer" in calls


def test_it_expects_registers_on_the_last_day_of_term_but_not_in_half_term_or_the_holiday(world):
    """Due on Friday 18 December; none in the half-term week or on the Monday after term ends."""
    assert _names(selectors.registers_not_taken(world.school, LAST_DAY_OF_AUTUMN, "PM")) == [
        "9A",
        "9B",
        "10A",
    ]
    assert selectors.registers_not_taken(world.school, HALF_TERM[0] + datetime.timedelta(days=1), "AM") == []
    holiday = LAST_DAY_OF_AUTUMN + datetime.timedelta(days=3)
    assert selectors.registers_not_taken(world.school, holiday, "AM") == []
    body = (
        client_for(world.attendance_officer)
        .get(reverse("attendance:not_taken"), {"date": f"{holiday:%Y-%m-%d}", "session": "AM"})
        .content.decode()
    )
    assert "No registers: Monday 21 December is not a school day (outside the term dates)." in body
    assert 'href="/attendance/not-taken/?date=2027-01-04&amp;session=AM">Monday 4 January</a>' in body
    half_term = client_for(world.attendance_officer).get(
        reverse("attendance:not_taken"), {"date": f"{HALF_TERM[0]:%Y-%m-%d}"}
    )
    assert "is not a school day (Autumn half term)" in half_term.content.decode()


def test_it_leaves_out_the_registers_of_a_site_that_is_shut(world, monkeypatch):
    """North site closed on Wednesday 9 December: 9A's registers are not due; the rest of the school's are."""
    Closure.objects.create(
        organisation=world.school,
        site=world.north,
        kind=Closure.Kind.UNEXPECTED,
        starts_on=WEDNESDAY_9_DECEMBER,
        ends_on=WEDNESDAY_9_DECEMBER,
        reason="Heating failure",
    )
    assert _names(selectors.registers_not_taken(world.school, WEDNESDAY_9_DECEMBER, "AM")) == ["9B", "10A"]
    fixed_clock(monkeypatch, _at(WEDNESDAY_9_DECEMBER))
    tutor = client_for(world.tutor).get(reverse("attendance:my_registers")).content.decode()
    assert "No register: Heating failure" in tutor and "Not taken" not in tutor
    response = client_for(world.pal).get(reverse("attendance:caseload"))
    assert _names(response.context["to_check"]) == ["10A"]
    assert "No register: Heating failure" in response.content.decode()


def test_it_counts_the_n_queue_in_school_days_across_the_holiday(world):
    """An N from the last day of term is overdue after 5 school days, not after 5 weekdays of holiday."""
    mark(world.alice, LAST_DAY_OF_AUTUMN, "AM", "N")
    third_day_of_spring = SPRING_STARTS + datetime.timedelta(days=3)  # Thursday 7 January
    assert list(selectors.n_queue(world.school, third_day_of_spring)) == []
    assert [m.pupil for m in selectors.n_queue(world.school, day(18))] == [world.alice]  # Monday 11 January


def test_it_marks_a_suspension_only_on_the_schools_days(world):
    """A suspension over the end of term records E on the last two days of term and the first two of spring."""
    services.marks_for_suspension(
        actor=world.attendance_officer,
        pupil=world.alice,
        start=day(14, THURSDAY),
        end=SPRING_STARTS + datetime.timedelta(days=1),
    )
    dates = sorted(
        set(AttendanceMark.objects.filter(pupil=world.alice, code="E").values_list("date", flat=True))
    )
    assert dates == [
        day(14, THURSDAY),
        day(14, FRIDAY),
        SPRING_STARTS,
        SPRING_STARTS + datetime.timedelta(days=1),
    ]
