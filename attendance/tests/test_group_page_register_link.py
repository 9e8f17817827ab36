"""A tutor's group page links to the group's register, today's and this session's, for those who take it (the
tutor, the attendance office), and not for staff who may open the group but do not take its register (a head of
year, the DSL).

On a chosen day, Wednesday 14 October 2026 at 14:00 (the afternoon session: afternoon registration starts at 13:30),
never the day the tests run."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from access.roles import Role
from attendance import selectors, services
from attendance.models import Session
from core.testing.factories import GroupFactory, RoleFactory
from core.testing.personas import client_for
from core.testing.world import shared_world
from people.models import Group

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 14)
world = shared_world(at=timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(14))))


def _page(user, group) -> str:
    response = client_for(user).get(reverse("people:group_detail", args=[group.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _text(body: str) -> str:
    return " ".join(strip_tags(body).split())


def _register_url(group) -> str:
    return reverse("attendance:register", args=[group.pk]) + "?date=2026-10-14&amp;session=PM"


def test_it_links_the_tutor_to_take_their_groups_register_this_session(world):
    """Tess's 9A page links to 9A's afternoon register today, this session's, and to the morning's."""
    body = _text(_page(world.tutor, world.group_9a))
    assert "Take 9A afternoon register: not taken (this session)" in body
    assert "Take 9A morning register: not taken" in body
    assert f'<a href="{_register_url(world.group_9a)}">Take 9A afternoon register</a>' in _page(
        world.tutor, world.group_9a
    )


def test_it_says_which_of_todays_registers_are_taken_or_incomplete(world):
    """After the morning register is saved with one pupil unmarked the page offers to finish it; once the afternoon
    is saved whole it offers to change it."""
    pupils = selectors.register_pupils(world.group_9a, DAY)
    for session, marked in ((Session.AM, pupils[1:]), (Session.PM, pupils)):
        services.save_register(
            actor=world.tutor,
            group=world.group_9a,
            date=DAY,
            session=session,
            entries={
                p.pk: services.Entry("/" if session == Session.AM else "\\", original="") for p in marked
            },
        )
    body = _text(_page(world.tutor, world.group_9a))
    assert f"Finish 9A morning register: incomplete, 1 of {len(pupils)} not marked" in body
    assert "Change 9A afternoon register: taken" in body


def test_it_links_the_attendance_office_to_the_register_too(world):
    """The attendance officer takes any group's register, so the page offers it."""
    assert "Take 9B afternoon register" in _page(world.attendance_officer, world.group_9b)


def test_it_offers_no_register_link_to_staff_who_do_not_take_the_register(world):
    """Hugo (head of year 9) and Dee (the DSL) open 9A's page but do not take its register: no link."""
    for user in (world.head_of_year9, world.dsl):
        body = _page(user, world.group_9a)
        assert "9A" in body and reverse("attendance:register", args=[world.group_9a.pk]) not in body
        assert "afternoon register" not in body


def test_it_offers_no_register_link_on_a_group_without_a_session_register(world):
    """A year group has no session register of its own: its page offers none, even to the office."""
    year = GroupFactory(organisation=world.school, name="Year 9", kind=Group.Kind.YEAR, year_group=9)
    RoleFactory(organisation=world.school, user=world.tutor, role=Role.TUTOR, group=year)
    for user in (world.attendance_officer, world.tutor):
        assert reverse("attendance:register", args=[year.pk]) not in _page(user, year)


def test_it_offers_no_register_link_on_a_day_with_no_registers(world, monkeypatch):
    """On Saturday 17 October there is no register to take: Tess's 9A page offers none."""
    saturday = timezone.make_aware(datetime.datetime(2026, 10, 17, 10))
    monkeypatch.setattr(timezone, "now", lambda: saturday)
    body = _page(world.tutor, world.group_9a)
    assert "9A" in body and reverse("attendance:register", args=[world.group_9a.pk]) not in body
