"""The current session is the school's: the afternoon once its own afternoon registration has started (13:30 unless
it sets another time), the morning before, so between noon and then nothing counts the afternoon registers as due.

Every time is on a chosen day, Wednesday 14 October 2026 (a weekday: the test world records no term dates), in the
school's local time; never the day the tests run."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import selectors
from attendance.models import AttendanceSettings, Register, Session
from attendance.tests.helpers import mark
from core.testing.clock import fixed_clock
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 14)


def _at(hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(hour, minute)))


world = shared_world(at=_at(12, 30))


def _take_morning_registers(world) -> None:
    """Every morning register taken, every pupil on it marked present (a register with a pupil unmarked is not
    done: it stays on the officer's list as incomplete)."""
    for row in selectors.registers_not_taken(world.school, DAY, Session.AM):
        Register.objects.create(
            organisation=world.school,
            group=row["group"],
            date=DAY,
            session=Session.AM,
            taken_by=world.tutor,
            taken_at=_at(9),
        )
        for pupil in selectors.register_pupils(row["group"], DAY):
            mark(pupil, DAY, Session.AM, "/")


def test_it_is_still_the_morning_at_half_past_twelve_before_afternoon_registration_at_half_past_one(world):
    assert selectors.settings_for(world.school).pm_starts_at == datetime.time(13, 30)  # the default
    assert selectors.current_session(world.school, now=_at(12, 30)) == Session.AM


def test_it_is_the_afternoon_from_the_start_of_afternoon_registration(world):
    assert selectors.current_session(world.school, now=_at(13, 30)) == Session.PM
    assert selectors.current_session(world.school, now=_at(15)) == Session.PM


def test_it_is_the_afternoon_at_half_past_twelve_where_afternoon_registration_starts_at_12_15(world):
    AttendanceSettings.objects.create(organisation=world.school, pm_starts_at=datetime.time(12, 15))
    assert selectors.current_session(world.school, now=_at(12, 30)) == Session.PM
    assert selectors.current_session(world.school, now=_at(12, 14)) == Session.AM


def test_it_counts_no_afternoon_register_as_not_taken_on_the_officers_panel_before_afternoon_registration(
    world, monkeypatch
):
    """With every morning register taken, at 12:30 the officer sees none not taken, not the afternoon's three."""
    _take_morning_registers(world)
    afternoon_groups = len(selectors.registers_not_taken(world.school, DAY, Session.PM))
    assert afternoon_groups == 3

    fixed_clock(monkeypatch, _at(12, 30))
    home = client_for(world.attendance_officer).get(reverse("home")).content.decode()
    assert "0 morning registers not taken" in home and "afternoon register" not in home

    fixed_clock(monkeypatch, _at(13, 30))  # signed in afresh: an hour idle ends a session
    home = client_for(world.attendance_officer).get(reverse("home")).content.decode()
    assert f"{afternoon_groups} afternoon registers not taken" in home


def test_it_opens_registers_not_taken_on_the_morning_until_afternoon_registration_starts(world, monkeypatch):
    fixed_clock(monkeypatch, _at(12, 30))
    response = client_for(world.attendance_officer).get(reverse("attendance:not_taken"))
    assert response.context["session"] == Session.AM

    fixed_clock(monkeypatch, _at(13, 30))  # signed in afresh: an hour idle ends a session
    response = client_for(world.attendance_officer).get(reverse("attendance:not_taken"))
    assert response.context["session"] == Session.PM


def test_it_offers_the_morning_as_the_lesson_registers_session_until_afternoon_registration_starts(
    world, monkeypatch
):
    fixed_clock(monkeypatch, _at(12, 30))
    response = client_for(world.tutor).get(reverse("attendance:lessons"))
    assert response.context["form"].initial["session"] == Session.AM

    fixed_clock(monkeypatch, _at(13, 30))  # signed in afresh: an hour idle ends a session
    response = client_for(world.tutor).get(reverse("attendance:lessons"))
    assert response.context["form"].initial["session"] == Session.PM
