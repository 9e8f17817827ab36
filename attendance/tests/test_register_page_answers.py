"""What the register page answers to each way it is posted, with and without JavaScript: the message a save gives
(complete, incomplete, late recorded as U, marks changed meanwhile), where it goes next, and the form again with
what to correct when a row or the whole save is refused.

On a chosen day, Wednesday 14 October 2026 at 10:00; the registers are Monday 12 October's, closed by then. Never
the day the tests run."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import AttendanceMark
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 14)
MONDAY = datetime.date(2026, 10, 12)
world = shared_world(at=timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(10))))
HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(world) -> str:
    return reverse("attendance:register", args=[world.group_9a.pk]) + f"?date={MONDAY:%Y-%m-%d}&session=AM"


def _said(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def _rows(world, alice: str, ben: str, **more: str) -> dict[str, str]:
    """The form as the page posts it: each pupil's code and the (blank) code the page showed."""
    a, b = world.alice.pk, world.ben.pk
    return {f"code-{a}": alice, f"code-{b}": ben, f"orig-{a}": "", f"orig-{b}": "", **more}


def _codes() -> dict[int, str]:
    return dict(AttendanceMark.objects.filter(date=MONDAY).values_list("pupil_id", "code"))


def _saved_already(world, actor, pupil, code: str) -> None:
    """`actor` has already saved `code` for `pupil` on Monday's 9A morning register."""
    services.save_register(
        actor=actor,
        group=world.group_9a,
        date=MONDAY,
        session="AM",
        entries={pupil.pk: services.Entry(code, original="")},
    )


def test_it_says_the_register_is_saved_and_goes_back_to_it_without_javascript(world):
    """Every pupil marked: a success message, and a redirect to the same register."""
    response = client_for(world.tutor).post(_url(world), {"action": "save", **_rows(world, "/", "I")})
    assert response.status_code == 302 and response.url == _url(world)
    assert _said(response) == [("success", "9A morning register saved: 2 new, 0 changed.")]


def test_it_warns_that_a_partly_marked_register_is_not_complete(world):
    """Ben left blank: saved, but the message is a warning that one is still to mark."""
    response = client_for(world.tutor).post(_url(world), {"action": "save", **_rows(world, "/", "")})
    assert response.status_code == 302
    assert _said(response) == [
        (
            "warning",
            "9A morning register saved: 1 new, 0 changed. 1 marked, 1 still to mark — the register is not complete.",
        )
    ]


def test_it_says_a_late_after_the_close_is_recorded_as_u_in_the_re_rendered_register(world):
    """An htmx save of an L after the register closed: not what the page shows, so the whole form comes back
    with the message in it."""
    response = client_for(world.tutor).post(
        _url(world), {"action": "save", **_rows(world, "L", "/", **{f"late-{world.alice.pk}": "20"})}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Retarget" not in response and 'id="register-area"' in body
    assert (
        "9A morning register saved: 2 new, 0 changed. 1 late after the register closed recorded as U." in body
    )
    assert _codes() == {world.alice.pk: "U", world.ben.pk: "/"}


def test_it_warns_of_a_mark_changed_by_someone_else_meanwhile_and_keeps_it(world):
    """The office marked Ben M after the tutor's page loaded him blank: his M stays, and the tutor is told."""
    _saved_already(world, world.attendance_officer, world.ben, "M")
    response = client_for(world.tutor).post(_url(world), {"action": "save", **_rows(world, "/", "I")})
    assert response.status_code == 302 and response.url == _url(world)
    assert _said(response) == [
        (
            "warning",
            "1 mark(s) were changed by someone else meanwhile and were not overwritten: check them below.",
        ),
        ("success", "9A morning register saved: 1 new, 0 changed."),
    ]
    assert _codes() == {world.alice.pk: "/", world.ben.pk: "M"}


def test_it_shows_the_services_refusal_above_the_register_and_saves_nothing(world):
    """Changing a saved mark once the register has closed needs a reason: the form again, with why."""
    _saved_already(world, world.tutor, world.alice, "N")
    a = world.alice.pk
    response = client_for(world.tutor).post(
        _url(world), {"action": "save", **_rows(world, "I", "/", **{f"orig-{a}": "N"})}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "The register has closed: give a reason for the changes." in body
    assert _said(response) == [] and _codes() == {a: "N"}


def test_it_fills_the_blanks_and_says_which_rows_need_attention_without_javascript(world):
    """ "All present" with an L missing its minutes: Ben filled with /, Alice's row refused, nothing saved."""
    response = client_for(world.tutor).post(_url(world), {"action": "all_present", **_rows(world, "L", "")})
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "Some marks need attention: nothing was saved." in body and "L (late) needs the minutes late." in body
    )
    assert '<option value="/" selected>' in body and '<option value="L" selected>' in body
    assert _codes() == {}
