"""A register saved with pupils still unmarked is not done: the officer's list and home panel keep it (as
"incomplete", with how many are not marked), the tutor's save message and status line say how many are still to
mark, and the tutor's registers show it incomplete rather than taken. A partial save is still kept: tutors save as
they go.

Every time is on a chosen day, Wednesday 14 October 2026 at 08:50 (a weekday: the test world records no term dates;
the morning register is open), in the school's local time; never the day the tests run. 9A has twenty pupils here:
Alice, Ben and eighteen more."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance import selectors, services
from attendance.models import AttendanceMark, Session
from core.testing.factories import GroupFactory, GroupMembershipFactory, PupilFactory
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 14)
AT = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(8, 50)))


def _build():
    world = build_school_world()
    for n in range(18):
        pupil = PupilFactory(
            organisation=world.school, legal_first_name=f"Pupil{n:02}", legal_last_name="Zed", year_group=9
        )
        GroupMembershipFactory(group=world.group_9a, pupil=pupil)
    return world


world = shared_world(_build, at=AT)


def _nine_a(world) -> list:
    return selectors.register_pupils(world.group_9a, DAY)


def _save(world, pupils, *, code="/"):
    return services.save_register(
        actor=world.tutor,
        group=world.group_9a,
        date=DAY,
        session=Session.AM,
        entries={p.pk: services.Entry(code, original="") for p in pupils},
        now=AT,
    )


def _rows(world) -> dict:
    return {r["group"].name: r for r in selectors.registers_not_taken(world.school, DAY, Session.AM)}


def _url(world) -> str:
    return reverse("attendance:register", args=[world.group_9a.pk]) + f"?date={DAY:%Y-%m-%d}&session=AM"


def test_it_lists_a_partly_saved_register_as_incomplete_with_how_many_are_not_marked(world):
    pupils = _nine_a(world)
    assert len(pupils) == 20
    result = _save(world, pupils[:3])
    assert (result.pupils, result.unmarked) == (20, 17)  # saved all the same
    assert AttendanceMark.objects.filter(date=DAY, session=Session.AM).count() == 3
    row = _rows(world)["9A"]
    assert (row["taken"], row["pupils"], row["unmarked"]) == (True, 20, 17)
    assert row["responsible"] == [world.tutor]
    assert _rows(world)["9B"]["taken"] is False  # the registers not taken are still listed beside it

    body = (
        client_for(world.attendance_officer)
        .get(reverse("attendance:not_taken"), {"date": f"{DAY:%Y-%m-%d}", "session": "AM"})
        .content.decode()
    )
    assert "Incomplete: 17 of 20 not marked" in body and "3 registers not taken or incomplete" in body


def test_it_takes_a_register_off_the_list_once_every_pupil_on_it_is_marked(world):
    pupils = _nine_a(world)
    _save(world, pupils[:3])
    result = _save(world, pupils[3:], code="I")
    assert (result.pupils, result.unmarked) == (20, 0)
    assert "9A" not in _rows(world)


def test_it_counts_a_register_with_a_pupil_who_left_the_group_as_complete(world):
    """Only the pupils on the register that day count: a pupil whose membership ended is not still to mark."""
    pupils = _nine_a(world)
    _save(world, pupils[1:])
    assert _rows(world)["9A"]["unmarked"] == 1
    membership = world.group_9a.memberships.get(pupil=pupils[0])
    membership.ends_on = DAY - datetime.timedelta(days=1)
    membership.save()
    assert "9A" not in _rows(world)


def test_it_reads_the_list_in_the_same_queries_however_many_groups_the_school_has(world):
    with CaptureQueriesContext(connection) as few:
        selectors.registers_not_taken(world.school, DAY, Session.AM)
    for n in range(6):
        group = GroupFactory(organisation=world.school, name=f"11{n}", year_group=11)
        GroupMembershipFactory(group=group, pupil=PupilFactory(organisation=world.school, year_group=11))
        services.save_register(
            actor=world.tutor, group=group, date=DAY, session=Session.AM, entries={}, now=AT
        )
    with CaptureQueriesContext(connection) as many:
        rows = selectors.registers_not_taken(world.school, DAY, Session.AM)
    assert sum(1 for r in rows if r["taken"] and r["unmarked"] == 1) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_counts_an_incomplete_register_on_the_officers_home_panel(world):
    home = client_for(world.attendance_officer).get(reverse("home")).content.decode()
    assert "3 morning registers not taken or incomplete" in home
    _save(world, _nine_a(world)[:3])
    home = client_for(world.attendance_officer).get(reverse("home")).content.decode()
    assert "3 morning registers not taken or incomplete" in home  # 9A saved, but 17 still to mark
    _save(world, _nine_a(world)[3:])
    home = client_for(world.attendance_officer).get(reverse("home")).content.decode()
    assert "2 morning registers not taken or incomplete" in home


def test_it_tells_the_tutor_how_many_are_still_to_mark_after_saving_part_of_the_register(world):
    pupils = _nine_a(world)
    posted = {"action": "save"}
    for i, pupil in enumerate(pupils):
        posted[f"code-{pupil.pk}"] = "/" if i < 3 else ""
        posted[f"orig-{pupil.pk}"] = ""
    response = client_for(world.tutor).post(_url(world), posted, follow=True)
    body = response.content.decode()
    assert "3 marked, 17 still to mark — the register is not complete" in body
    assert "message--warning" in body
    assert "Incomplete</span> 17 of 20 still to mark · first saved by Tess Tutor at 08:50" in body
    assert AttendanceMark.objects.filter(date=DAY, session=Session.AM).count() == 3  # saved, not refused


def test_it_tells_the_tutor_how_many_are_still_to_mark_in_the_answer_to_an_htmx_save(world):
    pupils = _nine_a(world)
    posted = {"action": "save"}
    for i, pupil in enumerate(pupils):
        posted[f"code-{pupil.pk}"] = "/" if i < 3 else ""
        posted[f"orig-{pupil.pk}"] = ""
    response = client_for(world.tutor).post(_url(world), posted, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response["HX-Retarget"] == "#register-status"  # the status only: the page already shows the marks
    assert "3 marked, 17 still to mark — the register is not complete" in body
    assert "Incomplete</span> 17 of 20 still to mark" in body and "Taken</span>" not in body


def test_it_says_taken_and_nothing_still_to_mark_once_every_pupil_is_marked(world):
    posted = {"action": "save"}
    for pupil in _nine_a(world):
        posted[f"code-{pupil.pk}"] = "/"
        posted[f"orig-{pupil.pk}"] = ""
    body = client_for(world.tutor).post(_url(world), posted, follow=True).content.decode()
    assert "register saved: 20 new, 0 changed." in body and "still to mark" not in body
    assert "Taken</span> by Tess Tutor at 08:50" in body and "Incomplete" not in body


def test_it_shows_the_tutor_a_partly_saved_register_as_incomplete_not_taken(world):
    _save(world, _nine_a(world)[:3])
    client = client_for(world.tutor)
    registers = client.get(reverse("attendance:my_registers")).content.decode()
    assert "Finish 9A morning register" in registers and "Incomplete: 17 of 20 not marked" in registers
    assert "Taken — review 9A morning" not in registers
    home = client.get(reverse("home")).content.decode()
    assert "9A morning</a> (incomplete: 17 of 20 not marked)" in home
    assert "All your registers for today are taken" not in home
    row = selectors.group_registers([world.group_9a], DAY)["rows"][0]
    morning = row["sessions"][0]
    assert (morning["taken"], morning["incomplete"], morning["unmarked"], morning["pupils"]) == (
        True,
        True,
        17,
        20,
    )
