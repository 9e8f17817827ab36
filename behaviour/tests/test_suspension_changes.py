"""Changing and withdrawing suspensions, and permanent exclusions kept on roll: the register follows, by hand-checked marks.

The week used throughout: Monday 9 to Friday 13 November 2026, then Monday 16 to Friday 20 (weekends have no marks).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance.models import AttendanceMark, MarkAmendment
from attendance.services import amend_mark
from audit.models import AuditEvent
from behaviour import selectors, services
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from organisations.models import Closure

pytestmark = pytest.mark.django_db

D = datetime.date


world = shared_world()


def _marks(pupil):
    return [
        (f"{d:%a %d}", s, c)
        for d, s, c in AttendanceMark.objects.filter(pupil=pupil)
        .order_by("date", "session")
        .values_list("date", "session", "code")
    ]


def _suspend(world, start, end, **extra):
    data = {
        "kind": "suspension",
        "starts_on": start,
        "ends_on": end,
        "sessions": 2 * ((end - start).days + 1),
        "reason": "verbal_adult",
        "details": "Swore at a teacher",
        "parents_informed": True,
        **extra,
    }
    return services.suspension_create(actor=world.head_of_year9, pupil=world.alice, **data)


def _change(world, suspension, **changes):
    data = {key: getattr(suspension, key) for key in services.SUSPENSION_EDIT_FIELDS}
    data.update(changes)
    return services.suspension_update(actor=world.head_of_year9, suspension=suspension, **data)


def test_it_turns_e_back_into_n_for_days_a_shortened_suspension_no_longer_covers(world, monkeypatch):
    """Mon–Fri shortened to Mon–Tue: every session of Wed–Fri still holding E goes to N; Thursday morning, which
    the tutor had already marked present, stays as the school set it."""
    monkeypatch.setattr(services, "_today", lambda: D(2026, 11, 16))
    suspension = _suspend(world, D(2026, 11, 9), D(2026, 11, 13))
    assert suspension.attendance_note == "code E recorded for 10 session(s)"
    amend_mark(
        actor=world.tutor, pupil=world.alice, date=D(2026, 11, 12), session="AM", code="/", reason="came in"
    )

    suspension = _change(world, suspension, ends_on=D(2026, 11, 10), sessions=4)

    assert _marks(world.alice) == [
        ("Mon 09", "AM", "E"),
        ("Mon 09", "PM", "E"),
        ("Tue 10", "AM", "E"),
        ("Tue 10", "PM", "E"),
        ("Wed 11", "AM", "N"),
        ("Wed 11", "PM", "N"),
        ("Thu 12", "AM", "/"),
        ("Thu 12", "PM", "N"),
        ("Fri 13", "AM", "N"),
        ("Fri 13", "PM", "N"),
    ]
    reasons = set(
        MarkAmendment.objects.filter(pupil=world.alice, new_code="N").values_list("reason", flat=True)
    )
    assert reasons == {"Suspension shortened on 16 Nov 2026"}
    assert suspension.marked_through == D(2026, 11, 10)
    assert suspension.attendance_note == (
        "code E from 09 Nov 2026 to 10 Nov 2026; 5 session(s) no longer covered set to N "
        "(reason not yet established)"
    )
    change = AuditEvent.objects.filter(action="update", object_type="behaviour.Suspension").latest("at")
    assert change.changes["ends_on"] == ["2026-11-13", "2026-11-10"]


def test_it_marks_e_for_the_days_an_extended_suspension_newly_covers(world, monkeypatch):
    """Mon–Tue extended over the weekend to the next Monday: Wed, Thu, Fri and Mon get E, the weekend nothing."""
    monkeypatch.setattr(services, "_today", lambda: D(2026, 11, 11))
    suspension = _suspend(world, D(2026, 11, 9), D(2026, 11, 10))
    suspension = _change(world, suspension, ends_on=D(2026, 11, 16), sessions=10)
    assert _marks(world.alice) == [
        (day, session, "E")
        for day in ("Mon 09", "Tue 10", "Wed 11", "Thu 12", "Fri 13", "Mon 16")
        for session in ("AM", "PM")
    ]
    assert suspension.attendance_note.endswith("8 session(s) newly marked E")
    assert set(
        AttendanceMark.objects.filter(pupil=world.alice, date__gte=D(2026, 11, 11)).values_list(
            "code", flat=True
        )
    ) == {"E"}


def test_it_leaves_the_register_alone_when_only_the_details_change(world):
    suspension = _suspend(world, D(2026, 11, 9), D(2026, 11, 10))
    suspension = _change(world, suspension, details="Swore at a teacher; apologised since.")
    assert suspension.attendance_note == "code E recorded for 4 session(s)"
    assert MarkAmendment.objects.filter(pupil=world.alice).count() == 0


def test_it_sets_every_session_still_held_as_e_back_to_n_when_a_suspension_is_withdrawn(world, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: D(2026, 11, 12))
    suspension = _suspend(world, D(2026, 11, 9), D(2026, 11, 10))
    withdrawn = services.suspension_withdraw(
        actor=world.senior, suspension=suspension, reason="Rescinded by the headteacher after review"
    )
    assert _marks(world.alice) == [
        ("Mon 09", "AM", "N"),
        ("Mon 09", "PM", "N"),
        ("Tue 10", "AM", "N"),
        ("Tue 10", "PM", "N"),
    ]
    assert set(MarkAmendment.objects.values_list("reason", flat=True)) == {
        "Suspension withdrawn on 12 Nov 2026"
    }
    assert (
        withdrawn.is_withdrawn and withdrawn.withdrawn_by == world.senior and withdrawn.marked_through is None
    )
    summary = selectors.behaviour_summary(world.alice, D(2026, 11, 1), D(2026, 11, 30))
    assert summary["suspensions"] == 0 and summary["suspension_sessions"] == 0
    with pytest.raises(ValidationError):
        services.suspension_withdraw(actor=world.senior, suspension=withdrawn, reason="again")
    with pytest.raises(ValidationError):
        _change(world, withdrawn, ends_on=D(2026, 11, 11))


def test_it_does_not_undo_e_that_another_suspension_still_covers(world):
    first = _suspend(world, D(2026, 11, 9), D(2026, 11, 11))
    _suspend(world, D(2026, 11, 11), D(2026, 11, 12))
    services.suspension_withdraw(actor=world.senior, suspension=first, reason="Recorded twice by mistake")
    assert _marks(world.alice) == [
        ("Mon 09", "AM", "N"),
        ("Mon 09", "PM", "N"),
        ("Tue 10", "AM", "N"),
        ("Tue 10", "PM", "N"),
        ("Wed 11", "AM", "E"),
        ("Wed 11", "PM", "E"),
        ("Thu 12", "AM", "E"),
        ("Thu 12", "PM", "E"),
    ]


def test_it_keeps_a_permanently_excluded_pupil_marked_e_until_the_last_day_on_roll(world, monkeypatch):
    """From the start to today while the last day on roll is unknown, extended each school day, then exactly to the
    last day on roll once it is entered (and back to N after it, if it is entered earlier than marked)."""
    monkeypatch.setattr(services, "_today", lambda: D(2026, 11, 11))
    Closure.objects.create(
        organisation=world.school,
        kind="inset",
        reason="INSET",
        starts_on=D(2026, 11, 16),
        ends_on=D(2026, 11, 16),
    )
    exclusion = _suspend(
        world, D(2026, 11, 10), D(2026, 11, 10), kind="permanent", ends_on=None, sessions=2, reason="drugs"
    )
    assert exclusion.attendance_note == "code E recorded for 4 session(s)"
    assert [day for day, _, code in _marks(world.alice) if code == "E"] == [
        "Tue 10",
        "Tue 10",
        "Wed 11",
        "Wed 11",
    ]

    # The daily run extends it over Thursday, Friday, the weekend (no marks) and the INSET day (no marks).
    assert services.exclusions_mark_to_date(today=D(2026, 11, 17)) == 1
    exclusion.refresh_from_db()
    assert exclusion.marked_through == D(2026, 11, 17)
    assert sorted({day for day, _, _ in _marks(world.alice)}) == [
        "Fri 13", "Thu 12", "Tue 10", "Tue 17", "Wed 11",
    ]  # fmt: skip
    assert {code for _, _, code in _marks(world.alice)} == {"E"}

    # The governors upheld it and no review was asked for: the last day on roll is Thursday 19.
    exclusion = _change(world, exclusion, leaves_roll_on=D(2026, 11, 19))
    assert [day for day, _, _ in _marks(world.alice)][-4:] == ["Wed 18", "Wed 18", "Thu 19", "Thu 19"]
    assert services.exclusions_mark_to_date(today=D(2026, 11, 27)) == 0
    assert AttendanceMark.objects.filter(pupil=world.alice, date__gt=D(2026, 11, 19)).count() == 0

    # Entered wrongly: the pupil actually left the roll on Tuesday 17; Wednesday and Thursday go back to N.
    monkeypatch.setattr(services, "_today", lambda: D(2026, 11, 20))
    exclusion = _change(world, exclusion, leaves_roll_on=D(2026, 11, 17))
    assert _marks(world.alice)[-4:] == [
        ("Wed 18", "AM", "N"),
        ("Wed 18", "PM", "N"),
        ("Thu 19", "AM", "N"),
        ("Thu 19", "PM", "N"),
    ]
    assert set(MarkAmendment.objects.filter(new_code="N").values_list("reason", flat=True)) == {
        "Permanent exclusion: last day on roll changed on 20 Nov 2026"
    }


def test_it_checks_the_last_day_on_roll(world):
    with pytest.raises(ValidationError) as excinfo:
        _suspend(world, D(2026, 11, 9), D(2026, 11, 10), leaves_roll_on=D(2026, 11, 20))
    assert "leaves_roll_on" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        _suspend(
            world,
            D(2026, 11, 9),
            D(2026, 11, 9),
            kind="permanent",
            ends_on=None,
            leaves_roll_on=D(2026, 11, 2),
        )
    assert "leaves_roll_on" in excinfo.value.message_dict


def test_it_shortens_a_suspension_through_the_form(world):
    suspension = _suspend(world, D(2026, 11, 9), D(2026, 11, 13))
    client = client_for(world.head_of_year9)
    url = reverse("behaviour:suspension_edit", args=[suspension.pk])
    assert "Change the suspension of" in client.get(url).content.decode()
    form = {
        "decided_by": world.senior.pk,
        "starts_on": "2026-11-09",
        "ends_on": "2026-11-08",
        "sessions": 2,
        "reason": "verbal_adult",
        "details": "Swore at a teacher",
        "parents_informed": "on",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "The end date must be on or after the start date." in refused.content.decode()
    response = client.post(url, {**form, "ends_on": "2026-11-09"})
    assert response.status_code == 302
    suspension.refresh_from_db()
    assert suspension.ends_on == D(2026, 11, 9)
    assert AttendanceMark.objects.filter(pupil=world.alice, code="N").count() == 8


def test_it_asks_for_confirmation_and_a_reason_before_withdrawing(world):
    suspension = _suspend(world, D(2026, 11, 9), D(2026, 11, 10))
    client = client_for(world.senior)
    url = reverse("behaviour:suspension_withdraw", args=[suspension.pk])
    page = client.get(url).content.decode()
    assert "Withdraw the suspension of" in page and "become N" in page
    refused = client.post(url, {"reason": "Governors reinstated the pupil"})
    assert "Tick the box to confirm." in refused.content.decode()
    suspension.refresh_from_db()
    assert not suspension.is_withdrawn
    assert client.post(url, {"reason": "Governors reinstated the pupil", "confirm": "on"}).status_code == 302
    suspension.refresh_from_db()
    assert suspension.is_withdrawn and suspension.withdrawal_reason == "Governors reinstated the pupil"
    detail = client.get(reverse("behaviour:suspension_detail", args=[suspension.pk])).content.decode()
    assert "Withdrawn" in detail and "Governors reinstated the pupil" in detail


@outsider_test("behaviour:suspension_edit", "behaviour:suspension_withdraw")
def test_it_hides_changing_a_suspension_from_another_school(world):
    suspension = _suspend(world, D(2026, 11, 9), D(2026, 11, 10))
    client = client_for(world.outsider)
    for name in ("behaviour:suspension_edit", "behaviour:suspension_withdraw"):
        assert_outsider_404(client, reverse(name, args=[suspension.pk]))
        assert_outsider_404(client, reverse(name, args=[suspension.pk]), method="post", data={"reason": "x"})


def test_it_refuses_changing_a_suspension_to_a_head_of_another_year_and_a_tutor(world):
    suspension = _suspend(world, D(2026, 11, 9), D(2026, 11, 10))
    for user in (world.head_of_year10, world.tutor):
        client = client_for(user)
        for name in ("behaviour:suspension_edit", "behaviour:suspension_withdraw"):
            assert client.get(reverse(name, args=[suspension.pk])).status_code == 403
            assert (
                client.post(reverse(name, args=[suspension.pk]), {"reason": "x", "confirm": "on"}).status_code
                == 403
            )
    suspension.refresh_from_db()
    assert not suspension.is_withdrawn


def test_it_extends_open_permanent_exclusions_to_today_from_the_daily_command(world, monkeypatch):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    today = timezone.localdate()
    start = today - datetime.timedelta(days=14)
    monkeypatch.setattr(services, "_today", lambda: start)
    exclusion = _suspend(world, start, start, kind="permanent", ends_on=None, sessions=2, reason="drugs")
    monkeypatch.undo()
    out = StringIO()
    call_command("mark_exclusions", stdout=out)
    assert out.getvalue().strip() == "1 permanent exclusion(s) marked E up to today."
    exclusion.refresh_from_db()
    assert exclusion.marked_through == today
    weekdays = [start + datetime.timedelta(days=n) for n in range(15)]
    expected = 2 * sum(1 for d in weekdays if d.weekday() < 5)
    assert AttendanceMark.objects.filter(pupil=world.alice, code="E").count() == expected
