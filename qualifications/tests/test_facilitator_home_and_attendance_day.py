"""The facilitator's way in: a home panel of her clusters with their next training day, a link to take attendance
on the day (not before), cluster links on the edition page; attendance refused for a day that has not come."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from core.testing.clock import fixed_clock
from core.testing.factories import OrganisationFactory, RoleFactory
from core.testing.personas import client_for
from qualifications import services
from qualifications.models import SessionAttendance
from qualifications.tests.helpers import (
    FIRST_DAY,
    FIRST_DAY_STARTS_AT,
    book,
    build_qual_world,
    safeguarded,
    staff_user,
)

pytestmark = pytest.mark.django_db

BEFORE_THE_DAY = FIRST_DAY_STARTS_AT - datetime.timedelta(days=3)
ON_THE_DAY = FIRST_DAY_STARTS_AT + datetime.timedelta(hours=1)


@pytest.fixture
def w():
    return build_qual_world()


def _panel(user) -> str:  # noqa: ANN001
    body = client_for(user).get(reverse("home")).content.decode()
    if 'id="qual-facilitation-h"' not in body:
        return ""
    return body[body.index('id="qual-facilitation-h"') :].split("</section>")[0]


def test_it_lists_the_facilitators_clusters_with_their_next_training_day(w, monkeypatch):
    """Rachel's home names PLQ L1 Oundle, links it, and gives its next training day; no attendance link yet."""
    fixed_clock(monkeypatch, BEFORE_THE_DAY)
    panel = _panel(w.facilitator)
    assert "PLQ L1 Oundle" in panel
    assert reverse("qualifications:cluster_detail", args=[w.plq_l1.pk]) in panel
    assert timezone.localtime(FIRST_DAY_STARTS_AT).strftime("%-d %B %Y") in panel
    day = w.plq_l1.training_days.get()
    assert reverse("qualifications:attendance", args=[day.pk]) not in panel
    assert "ISQAM" not in panel  # clusters she does not facilitate


def test_it_links_attendance_on_the_training_day(w, monkeypatch):
    """On the day itself the panel offers "Take attendance" for that day."""
    fixed_clock(monkeypatch, ON_THE_DAY)
    day = w.plq_l1.training_days.get()
    assert reverse("qualifications:attendance", args=[day.pk]) in _panel(w.facilitator)


def test_it_shows_no_facilitation_panel_to_others(w, monkeypatch):
    """The administrator, the coordinator and another provider's facilitator have no such panel."""
    fixed_clock(monkeypatch, ON_THE_DAY)
    org = OrganisationFactory(name="Other Provider", kind="provider")
    stranger = staff_user(org, "fred@other.test", "Fred Other")
    RoleFactory(organisation=org, user=stranger, role=Role.FACILITATOR)
    for user in (w.admin, w.coordinator, stranger):
        assert _panel(user) == ""
    day = w.plq_l1.training_days.get()
    assert client_for(stranger).get(reverse("qualifications:attendance", args=[day.pk])).status_code == 404
    assert (
        client_for(stranger).get(reverse("qualifications:cluster_detail", args=[w.plq_l1.pk])).status_code
        == 404
    )


def test_it_links_the_facilitators_clusters_on_the_edition_page(w):
    """On the edition page, the clusters Rachel runs are links; the others stay plain names."""
    body = (
        client_for(w.facilitator)
        .get(reverse("qualifications:edition_detail", args=[w.plq.pk]))
        .content.decode()
    )
    assert reverse("qualifications:cluster_detail", args=[w.plq_l1.pk]) in body
    assert reverse("qualifications:cluster_detail", args=[w.plq_l2.pk]) not in body
    other = client_for(w.facilitator).get(reverse("qualifications:cluster_detail", args=[w.plq_l2.pk]))
    assert other.status_code == 403


def test_it_refuses_attendance_before_the_day_has_come(w, monkeypatch):
    """Three days before, the attendance page sends her back to the cluster with a plain message and records
    nothing, even when posted; the cluster page offers no link yet."""
    fixed_clock(monkeypatch, BEFORE_THE_DAY)
    safeguarded(w.school.school, w.staff[0])
    booking, _ = book(w, w.plq_l1, [w.staff[0]], on=BEFORE_THE_DAY.date())
    place = booking.enrolments.get()
    day = w.plq_l1.training_days.get()
    client = client_for(w.facilitator)
    url = reverse("qualifications:attendance", args=[day.pk])
    page = client.get(url, follow=True)
    assert page.redirect_chain[-1][0] == reverse("qualifications:cluster_detail", args=[w.plq_l1.pk])
    text = page.content.decode()
    assert f"on {FIRST_DAY:%-d %B %Y} can be taken on the day, not before it" in text
    assert url not in text
    client.post(url, {f"mark-{place.pk}": "present"})
    assert not SessionAttendance.objects.filter(enrolment=place).exists()


def test_it_opens_attendance_on_the_day(w, monkeypatch):
    """On the day the page opens and the cluster page links it."""
    fixed_clock(monkeypatch, ON_THE_DAY)
    day = w.plq_l1.training_days.get()
    client = client_for(w.facilitator)
    url = reverse("qualifications:attendance", args=[day.pk])
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("qualifications:cluster_detail", args=[w.plq_l1.pk])).content.decode()


def test_the_attendance_service_refuses_a_day_to_come(w):
    """The write path itself refuses marks for a day after `on`."""
    day = w.plq_l1.training_days.get()
    with pytest.raises(ValidationError, match="not before it"):
        services.attendance_record(
            actor=w.facilitator, training_day=day, marks={}, on=FIRST_DAY - datetime.timedelta(days=1)
        )
    assert services.attendance_record(actor=w.facilitator, training_day=day, marks={}, on=FIRST_DAY) == 0
