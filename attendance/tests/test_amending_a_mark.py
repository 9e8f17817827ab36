"""Amending a mark with a reason is one piece of code (`attendance.forms.amend_posted`) behind two pages, the
office's from the pupil's attendance and a PAL's from their caseload: each keeps its own check of who may amend,
its own template and its own message, and both go back to the pupil's attendance.

On a chosen day, Wednesday 14 October 2026 at 10:00; Alice's N is from Monday 12 October. Never the day the tests
run."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import AttendanceMark, MarkAmendment
from attendance.tests.helpers import mark
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 14)
MONDAY = datetime.date(2026, 10, 12)
world = shared_world(at=timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(10))))

# Who amends on which page, its template, and what it says once done.
PAGES = [
    (
        "attendance_officer",
        "attendance:amend",
        "attendance/amend.html",
        "The 12 Oct AM mark is now I; the original is kept.",
    ),
    ("pal", "caseloads:amend", "caseloads/amend.html", "The 12 Oct AM mark is now I."),
]
AMENDMENT = {"date": "2026-10-12", "session": "AM", "code": "I", "reason": "Mother phoned: illness"}


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(("who", "page", "template", "message"), PAGES)
def test_it_amends_the_mark_and_says_so_on_each_page(world, who, page, template, message):
    """The office and the PAL each amend Alice's N to I with a reason and go back to her attendance."""
    n = mark(world.alice, MONDAY, "AM", "N")
    response = client_for(getattr(world, who)).post(reverse(page, args=[world.alice.pk]), AMENDMENT)
    assert response.status_code == 302 and response.url == reverse("attendance:pupil", args=[world.alice.pk])
    assert _said(response) == [message]
    assert AttendanceMark.objects.get(pk=n.pk).code == "I"
    amendment = MarkAmendment.objects.get(pupil=world.alice)
    assert (amendment.original_code, amendment.new_code, amendment.reason) == ("N", "I", AMENDMENT["reason"])


@pytest.mark.parametrize(("who", "page", "template", "message"), PAGES)
def test_it_opens_each_page_on_the_date_and_session_asked_for(world, who, page, template, message):
    """A link with `?date=&session=` opens the page's own form with them filled in."""
    response = client_for(getattr(world, who)).get(
        reverse(page, args=[world.alice.pk]), {"date": "2026-10-12", "session": "PM"}
    )
    assert response.status_code == 200 and template in [t.name for t in response.templates]
    form = response.context["form"]
    assert (form.initial["date"], form.initial["session"], form.is_bound) == ("2026-10-12", "PM", False)


@pytest.mark.parametrize(("who", "page", "template", "message"), PAGES)
def test_it_refuses_a_tutor_on_each_page(world, who, page, template, message):
    """Alice's tutor may neither open nor post either page (403), and her mark stays as it was."""
    n = mark(world.alice, MONDAY, "AM", "N")
    client = client_for(world.tutor)
    assert client.get(reverse(page, args=[world.alice.pk])).status_code == 403
    assert client.post(reverse(page, args=[world.alice.pk]), AMENDMENT).status_code == 403
    assert AttendanceMark.objects.get(pk=n.pk).code == "N"


def test_it_refuses_the_pal_the_offices_page_and_a_student_outside_the_caseload(world):
    """The office's page is the office's; a PAL's page reaches only the PAL's caseload (Cleo is in 9B)."""
    client = client_for(world.pal)
    assert client.post(reverse("attendance:amend", args=[world.alice.pk]), AMENDMENT).status_code == 403
    assert client.post(reverse("caseloads:amend", args=[world.cleo.pk]), AMENDMENT).status_code == 403
    assert not MarkAmendment.objects.exists() and not AttendanceMark.objects.exists()


@pytest.mark.parametrize(("who", "page", "template", "message"), PAGES)
def test_it_keeps_the_form_with_what_to_correct_when_late_has_no_minutes(world, who, page, template, message):
    """An L without the minutes late: the page's own form again, the error on the minutes, nothing changed."""
    n = mark(world.alice, MONDAY, "AM", "N")
    response = client_for(getattr(world, who)).post(
        reverse(page, args=[world.alice.pk]), {**AMENDMENT, "code": "L"}
    )
    assert response.status_code == 200 and template in [t.name for t in response.templates]
    assert response.context["form"].errors["minutes_late"] == [
        "Enter how many minutes late the pupil arrived."
    ]
    assert _said(response) == []
    assert AttendanceMark.objects.get(pk=n.pk).code == "N"


@pytest.mark.parametrize(("who", "page", "template", "message"), PAGES)
def test_it_shows_the_services_refusal_on_the_field_it_names(
    world, who, page, template, message, monkeypatch
):
    """When the service refuses the amendment, each page shows why on the form, nothing typed lost."""

    def refuse(**kwargs):
        raise ValidationError({"reason": "Give a reason for the amendment."})

    monkeypatch.setattr(services, "amend_mark", refuse)
    response = client_for(getattr(world, who)).post(reverse(page, args=[world.alice.pk]), AMENDMENT)
    assert response.status_code == 200 and template in [t.name for t in response.templates]
    form = response.context["form"]
    assert form.errors["reason"] == ["Give a reason for the amendment."]
    assert form["reason"].value() == AMENDMENT["reason"]
    assert _said(response) == []
