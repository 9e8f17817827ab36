"""Taking registers: the tutor's page, validation, closing time, amendments, and who sees what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attendance import selectors, services
from attendance.models import AttendanceMark, AttendanceSettings, MarkAmendment, Register
from core.testing.clock import weekday_clock, weekday_on_or_before
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


world = shared_world()


def _url(group, date, session="AM"):
    return reverse("attendance:register", args=[group.pk]) + f"?date={date:%Y-%m-%d}&session={session}"


def _at(date, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, minute)))


DAY = weekday_on_or_before(timezone.localdate() - datetime.timedelta(days=7))  # a school day


def test_it_shows_the_tutor_a_register_with_every_pupil_of_the_group(world):
    response = client_for(world.tutor).get(_url(world.group_9a, DAY))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mark for Alice Archer" in body and "Mark for Ben Baker" in body and "Cleo" not in body
    assert 'data-present="/"' in body and "register.js" in body


def test_it_saves_a_register_posted_by_the_tutor(world):
    client = client_for(world.tutor)
    a, b = world.alice.pk, world.ben.pk
    response = client.post(
        _url(world.group_9a, DAY),
        {"action": "save", f"code-{a}": "/", f"code-{b}": "I", f"orig-{a}": "", f"orig-{b}": ""},
    )
    assert response.status_code == 302
    assert dict(AttendanceMark.objects.filter(date=DAY).values_list("pupil_id", "code")) == {a: "/", b: "I"}
    register = Register.objects.get(group=world.group_9a, date=DAY, session="AM")
    assert register.taken_by == world.tutor and register.is_taken


def test_it_answers_htmx_with_the_register_fragment(world):
    client = client_for(world.tutor)
    a = world.alice.pk
    response = client.post(
        _url(world.group_9a, DAY), {"action": "save", f"code-{a}": "/"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert (
        response.status_code == 200
        and "<html" not in body
        and 'id="register-area"' in body
        and "register saved" in body
    )


def test_a_save_that_leaves_the_register_as_the_page_shows_it_answers_with_the_status_only(world):
    client = client_for(world.tutor)
    a, b = world.alice.pk, world.ben.pk
    response = client.post(
        _url(world.group_9a, DAY),
        {"action": "save", f"code-{a}": "/", f"code-{b}": "", f"orig-{a}": "", f"orig-{b}": ""},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and response["HX-Retarget"] == "#register-status"
    assert response["HX-Trigger"] == "register-saved" and 'id="register-status"' in body
    assert "register saved: 1 new" in body and "<table" not in body
    # Ben is still blank: the register is saved but not complete, and the status line says so.
    assert "Incomplete</span> 1 of 2 still to mark" in body and "Taken</span> by" not in body


def test_a_save_re_renders_the_register_when_someone_else_marked_a_pupil_the_page_shows_blank(world):
    client = client_for(world.tutor)
    a, b = world.alice.pk, world.ben.pk
    services.save_register(
        actor=world.attendance_officer,
        group=world.group_9a,
        date=DAY,
        session="AM",
        entries={b: services.Entry("M", original="")},
        reason="Dentist",
    )
    response = client.post(
        _url(world.group_9a, DAY),
        {"action": "save", f"code-{a}": "/", f"code-{b}": "", f"orig-{a}": "", f"orig-{b}": ""},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "HX-Retarget" not in response and 'id="register-area"' in body
    assert 'value="M" selected' in body  # the page now shows the officer's mark for Ben


def test_it_fills_blanks_with_present_without_javascript_and_saves_nothing(world):
    client = client_for(world.tutor)
    b = world.ben.pk
    response = client.post(_url(world.group_9a, DAY, "PM"), {"action": "all_present", f"code-{b}": "M"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<option value="\\" selected>' in body and '<option value="M" selected>' in body
    assert not AttendanceMark.objects.exists()


def test_it_refuses_l_without_minutes_and_saves_nothing(world):
    client = client_for(world.tutor)
    a, b = world.alice.pk, world.ben.pk
    response = client.post(_url(world.group_9a, DAY), {"action": "save", f"code-{a}": "L", f"code-{b}": "/"})
    assert response.status_code == 200
    assert "L (late) needs the minutes late." in response.content.decode()
    assert not AttendanceMark.objects.exists()
    with pytest.raises(ValidationError):
        services.save_register(
            actor=world.tutor, group=world.group_9a, date=DAY, session="AM", entries={a: services.Entry("L")}
        )


def test_it_records_late_after_the_register_closed_as_u(world):
    AttendanceSettings.objects.create(
        organisation=world.school, am_starts_at=datetime.time(8, 40), open_minutes=30
    )
    a, b = world.alice.pk, world.ben.pk
    open_result = services.save_register(
        actor=world.tutor,
        group=world.group_9a,
        date=DAY,
        session="AM",
        entries={a: services.Entry("L", 10)},
        now=_at(DAY, 9, 0),
    )
    assert open_result.late_to_u == []
    late = services.save_register(
        actor=world.tutor,
        group=world.group_9a,
        date=DAY,
        session="AM",
        entries={b: services.Entry("L", 45)},
        now=_at(DAY, 9, 25),
    )
    assert late.late_to_u == [b]
    assert AttendanceMark.objects.get(pupil_id=a).code == "L"
    assert (
        AttendanceMark.objects.get(pupil_id=b).code == "U"
        and AttendanceMark.objects.get(pupil_id=b).minutes_late == 45
    )


def test_it_keeps_the_original_when_a_saved_mark_is_amended(world):
    a = world.alice.pk
    services.save_register(
        actor=world.tutor,
        group=world.group_9a,
        date=DAY,
        session="AM",
        entries={a: services.Entry("N")},
        now=_at(DAY, 8, 45),
    )
    with pytest.raises(ValidationError, match="reason"):
        services.save_register(
            actor=world.tutor,
            group=world.group_9a,
            date=DAY,
            session="AM",
            entries={a: services.Entry("I", original="N")},
            now=_at(DAY, 11, 0),
        )
    services.save_register(
        actor=world.attendance_officer,
        group=world.group_9a,
        date=DAY,
        session="AM",
        entries={a: services.Entry("I", original="N")},
        reason="Mother phoned: flu",
        now=_at(DAY, 11, 0),
    )
    amendment = MarkAmendment.objects.get()
    assert (amendment.original_code, amendment.new_code, amendment.amended_by, amendment.reason) == (
        "N",
        "I",
        world.attendance_officer,
        "Mother phoned: flu",
    )
    assert amendment.keep_until.year == amendment.amended_at.year + 6
    with pytest.raises(ValidationError):
        amendment.delete()


def test_it_keeps_the_first_taker_and_counts_every_save_but_a_refused_one(world):
    """Who took the register and when stay the first save's; each save bumps the version; a save refused
    inside the transaction (a change after closing, without a reason) leaves the register as it was."""
    a = world.alice.pk
    first = services.save_register(
        actor=world.tutor,
        group=world.group_9a,
        date=DAY,
        session="AM",
        entries={a: services.Entry("N")},
        now=_at(DAY, 8, 45),
    )
    assert first.register.taken_by == world.tutor and first.register.version == 1
    with pytest.raises(ValidationError, match="reason"):
        services.save_register(
            actor=world.attendance_officer,
            group=world.group_9a,
            date=DAY,
            session="AM",
            entries={a: services.Entry("I", original="N")},
            now=_at(DAY, 11, 0),
        )
    register = Register.objects.get(group=world.group_9a, date=DAY, session="AM", lesson="")
    assert (register.version, register.taken_by, register.taken_at) == (1, world.tutor, _at(DAY, 8, 45))
    later = services.save_register(
        actor=world.attendance_officer,
        group=world.group_9a,
        date=DAY,
        session="AM",
        entries={a: services.Entry("I", original="N")},
        reason="Mother phoned: flu",
        now=_at(DAY, 11, 0),
    )
    register.refresh_from_db()
    assert later.register.pk == register.pk and later.register.version == register.version == 2
    assert (register.taken_by, register.taken_at) == (world.tutor, _at(DAY, 8, 45))
    assert Register.objects.filter(group=world.group_9a, date=DAY).count() == 1


def test_it_does_not_overwrite_a_mark_changed_by_someone_else_since_the_page_loaded(world):
    a = world.alice.pk
    services.save_register(
        actor=world.tutor, group=world.group_9a, date=DAY, session="AM", entries={a: services.Entry("N")}
    )
    services.save_register(
        actor=world.attendance_officer,
        group=world.group_9a,
        date=DAY,
        session="AM",
        entries={a: services.Entry("M", original="N")},
        reason="Dentist letter",
    )
    stale = services.save_register(
        actor=world.tutor,
        group=world.group_9a,
        date=DAY,
        session="AM",
        entries={a: services.Entry("O", original="N")},
        reason="no reason",
    )
    assert stale.conflicts == [a]
    assert AttendanceMark.objects.get(pupil_id=a).code == "M"


def test_it_lists_registers_not_taken_with_the_responsible_tutor(world):
    rows = selectors.registers_not_taken(world.school, DAY, "AM")
    by_group = {r["group"].name: r["responsible"] for r in rows}
    assert by_group["9A"] == [world.tutor] and by_group["9B"] == []
    services.save_register(
        actor=world.tutor,
        group=world.group_9a,
        date=DAY,
        session="AM",
        entries={world.alice.pk: services.Entry("/"), world.ben.pk: services.Entry("/")},
    )
    assert "9A" not in {r["group"].name for r in selectors.registers_not_taken(world.school, DAY, "AM")}
    body = (
        client_for(world.attendance_officer)
        .get(reverse("attendance:not_taken"), {"date": f"{DAY:%Y-%m-%d}", "session": "AM"})
        .content.decode()
    )
    assert "9B" in body and "No tutor assigned" in body and ">9A<" not in body


def test_it_refuses_registers_not_taken_to_a_tutor_with_403(world):
    assert client_for(world.tutor).get(reverse("attendance:not_taken")).status_code == 403


def test_it_refuses_another_groups_register_to_a_tutor_with_403(world):
    assert client_for(world.tutor).get(_url(world.group_9b, DAY)).status_code == 403
    assert client_for(world.head_of_year9).get(_url(world.group_9a, DAY)).status_code == 403


@outsider_test("attendance:register")
def test_it_hides_a_register_from_another_school(world):
    client = client_for(world.outsider)
    assert_outsider_404(client, _url(world.group_9a, DAY))
    assert_outsider_404(
        client, _url(world.group_9a, DAY), method="post", data={f"code-{world.alice.pk}": "O"}
    )
    assert not AttendanceMark.objects.exists()


def test_it_refuses_a_pupil_who_is_not_on_the_register(world):
    with pytest.raises(ValidationError):
        services.save_register(
            actor=world.tutor,
            group=world.group_9a,
            date=DAY,
            session="AM",
            entries={world.cleo.pk: services.Entry("/")},
        )


def test_it_lists_the_tutors_registers_and_home_panel(world, monkeypatch):
    weekday_clock(monkeypatch)  # today must be a school day
    client = client_for(world.tutor)
    body = client.get(reverse("attendance:my_registers")).content.decode()
    assert "Take 9A morning register" in body
    home = client.get(reverse("home")).content.decode()
    assert "Registers to take today" in home and "Registers</a>" in home


@pytest.mark.django_db
def test_the_pupils_on_a_register_are_those_whose_membership_covers_the_day():
    from core.testing.factories import GroupFactory, GroupMembershipFactory, UserFactory

    day = datetime.date(2026, 3, 11)
    group = GroupFactory()
    other = GroupFactory(organisation=group.organisation)
    one = datetime.timedelta(days=1)
    on_roll = [
        GroupMembershipFactory(group=group, starts_on=day - 30 * one).pupil_id,  # open-ended
        GroupMembershipFactory(group=group, starts_on=day, ends_on=day).pupil_id,  # that day only
        GroupMembershipFactory(group=group, starts_on=day - one, ends_on=day + one).pupil_id,
    ]
    off_roll = [
        GroupMembershipFactory(group=group, starts_on=day + one).pupil_id,  # joins the day after
        GroupMembershipFactory(
            group=group, starts_on=day - 30 * one, ends_on=day - one
        ).pupil_id,  # left before
        GroupMembershipFactory(group=other, starts_on=day - one).pupil_id,  # another group
    ]
    assert sorted(p.pk for p in selectors.register_pupils(group, day)) == sorted(on_roll)
    # The save reads the same pupils: each pupil off the roll is refused, and the page that showed exactly the
    # pupils on the roll is in step with the saved register.
    tutor = UserFactory()
    for pupil_id in off_roll:
        with pytest.raises(ValidationError, match="1 pupil"):
            services.save_register(
                actor=tutor, group=group, date=day, session="AM", entries={pupil_id: services.Entry("/")}
            )
    assert not Register.objects.filter(group=group).exists()  # the refused saves left no register behind
    saved = services.save_register(
        actor=tutor,
        group=group,
        date=day,
        session="AM",
        entries={pupil_id: services.Entry("/", original="") for pupil_id in on_roll},
        shown=set(on_roll),
    )
    assert saved.created == 3 and saved.in_sync
