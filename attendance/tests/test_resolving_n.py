"""Resolving an N mark is one piece of code (`attendance.forms.resolve_n_posted`) behind two pages, the office's from
the N queue and a PAL's from their caseload: each keeps its own message and its own way back, and each sends a mark
already resolved straight back.

On a chosen day, Wednesday 14 October 2026 at 10:00; Alice's N is from Monday 12 October. Never the day the tests
run."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from attendance.models import AttendanceMark
from attendance.tests.helpers import mark
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 14)
MONDAY = datetime.date(2026, 10, 12)
world = shared_world(at=timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(10))))

# Who resolves from which page, where the page goes back to, and what it says once done.
PAGES = [
    (
        "attendance_officer",
        "attendance:resolve_n",
        "attendance:n_queue",
        "Alice Archer's 12 Oct PM mark is now I.",
    ),
    ("pal", "caseloads:resolve_n", "caseloads:n_marks", "Alice Archer's N is now I."),
]


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(("who", "page", "back", "message"), PAGES)
def test_it_resolves_the_n_and_says_so_on_each_page(world, who, page, back, message):
    """The office and the PAL each resolve Alice's N to I with a reason, and go back to their own list."""
    n = mark(world.alice, MONDAY, "PM", "N")
    response = client_for(getattr(world, who)).post(
        reverse(page, args=[n.pk]), {"code": "I", "reason": "Mother phoned: illness"}
    )
    assert response.status_code == 302 and response.url == reverse(back)
    assert _said(response) == [message]
    assert AttendanceMark.objects.get(pk=n.pk).code == "I"


@pytest.mark.parametrize(("who", "page", "back", "message"), PAGES)
def test_it_sends_a_mark_already_resolved_straight_back(world, who, page, back, message):
    """Once Alice's N is an I, opening either page to resolve it goes back to the list and says why."""
    n = mark(world.alice, MONDAY, "PM", "I")
    response = client_for(getattr(world, who)).get(reverse(page, args=[n.pk]))
    assert response.status_code == 302 and response.url == reverse(back)
    assert _said(response) == ["That mark has already been resolved."]


@pytest.mark.parametrize(("who", "page", "back", "message"), PAGES)
def test_it_keeps_the_form_with_what_to_correct_when_the_code_cannot_resolve_the_n(
    world, who, page, back, message
):
    """A morning present code cannot resolve an afternoon N: the page shows the form again, nothing changed."""
    n = mark(world.alice, MONDAY, "PM", "N")
    response = client_for(getattr(world, who)).post(reverse(page, args=[n.pk]), {"code": "/", "reason": "x"})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert AttendanceMark.objects.get(pk=n.pk).code == "N"
