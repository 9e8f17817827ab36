"""The N queue: its count in the singular, the open marks that are not yet overdue reachable (`?all=1`), and the
Resolve N form offering only the codes that can resolve the mark's session, none pre-selected.

Django's clock is stopped on Monday 7 December 2026; the world records no terms, so school days are weekdays."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance import selectors, services
from attendance.codes import CODES
from attendance.forms import ResolveNForm
from attendance.models import AttendanceMark
from attendance.tests.helpers import mark, weekdays
from core.testing.clock import fixed_clock
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)

world = shared_world()


def _school_day(back: int, school) -> datetime.date:
    return selectors.school_days_before(school, NOW.date(), back)


def _queue(world, query: str = "") -> str:
    return client_for(world.attendance_officer).get(reverse("attendance:n_queue") + query).content.decode()


def test_it_says_one_n_mark_is_open_in_the_singular(world, monkeypatch):
    """It says "1 N mark is open", not "1 N mark are open"."""
    fixed_clock(monkeypatch, NOW)
    mark(world.ben, _school_day(2, world.school), "AM", "N")
    body = _queue(world)
    assert "1 N mark is open; 0 are overdue." in body and "N mark are open" not in body


def test_it_lists_the_overdue_marks_and_offers_every_open_one(world, monkeypatch):
    """Ben's N from two school days ago is not overdue: not in the overdue list, but reachable with ?all=1,
    where only Alice's eight-day-old N is tagged overdue."""
    fixed_clock(monkeypatch, NOW)
    mark(world.alice, _school_day(8, world.school), "PM", "N")
    mark(world.ben, _school_day(2, world.school), "AM", "N")
    overdue = _queue(world)
    assert "2 N marks are open; 1 is overdue." in overdue
    assert "Resolve Alice Archer" in overdue and "Resolve Ben Baker" not in overdue
    assert "?all=1" in overdue
    every = _queue(world, "?all=1")
    assert "2 open N marks" in every
    alice_row = every.split("Resolve Alice Archer")[1].split("</tr>")[0]
    ben_row = every.split("Resolve Ben Baker")[1].split("</tr>")[0]
    assert "Overdue" in alice_row and "Overdue" not in ben_row
    assert "Show only the overdue ones" in every


def test_it_pages_every_open_mark_keeping_the_choice(world, monkeypatch):
    """51 open marks make two pages; the next page is still every open mark."""
    fixed_clock(monkeypatch, NOW)
    days = weekdays(datetime.date(2026, 10, 12), 26)
    for day in days:
        for session in ("AM", "PM"):
            mark(world.alice, day, session, "N")
    AttendanceMark.objects.filter(date=days[-1], session="PM").delete()
    body = _queue(world, "?all=1")
    assert "Page 1 of 2 (51 in all)" in body and "?all=1&amp;page=2" in body


def _options(form: ResolveNForm) -> list[str]:
    return [value for value, _ in form.fields["code"].choices]


def test_it_offers_only_codes_that_resolve_the_marks_session(world):
    """A morning N: a blank first option, / but not \\, and no N, Z or #; reasons, late and educational codes
    stay."""
    morning = mark(world.alice, _school_day(8, world.school), "AM", "N")
    options = _options(ResolveNForm(mark=morning))
    assert options[0] == ""
    assert "/" in options and "\\" not in options
    assert not {"N", "Z", "#"} & set(options)
    assert {"L", "U", "I", "M", "O", "G", "V", "K", "B", "E"} <= set(options)
    afternoon = mark(world.alice, _school_day(8, world.school), "PM", "N")
    options = _options(ResolveNForm(mark=afternoon))
    assert "\\" in options and "/" not in options
    assert len(options) == 1 + len(CODES) - 4  # blank, less N, Z, # and the morning's present code


def test_it_preselects_no_code_and_requires_one(world):
    """The page opens on "Choose a code"; posting without one is refused with a message."""
    m = mark(world.alice, _school_day(8, world.school), "AM", "N")
    client = client_for(world.attendance_officer)
    body = client.get(reverse("attendance:resolve_n", args=[m.pk])).content.decode()
    select = body.split('name="code"')[1].split("</select>")[0]
    assert select.split("<option")[1].startswith(' value="" selected>Choose a code')
    assert select.count(" selected") == 1
    response = client.post(reverse("attendance:resolve_n", args=[m.pk]), {"code": "", "reason": "Phoned"})
    assert response.status_code == 200 and "Choose the code the N resolves to." in response.content.decode()
    m.refresh_from_db()
    assert m.code == "N"


def test_it_refuses_the_other_sessions_present_code_and_closure_codes(world):
    """\\ for a morning N, Z or # are refused by the form and by the service."""
    m = mark(world.alice, _school_day(8, world.school), "AM", "N")
    client = client_for(world.attendance_officer)
    for code in ("\\", "Z", "#"):
        response = client.post(reverse("attendance:resolve_n", args=[m.pk]), {"code": code, "reason": "x"})
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
        with pytest.raises(ValidationError):
            services.resolve_n(actor=world.attendance_officer, mark=m, code=code, reason="x")
    m.refresh_from_db()
    assert m.code == "N"
