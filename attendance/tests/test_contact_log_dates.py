"""A contact cannot be logged as made in the future (a few minutes of clock skew aside). Django's clock is stopped
at 10:00 on Monday 7 December 2026."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import ContactLog
from core.testing.clock import fixed_clock
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)

world = shared_world()


def _log(world, occurred_at: str):
    return client_for(world.attendance_officer).post(
        reverse("attendance:log_contact", args=[world.alice.pk]),
        {"method": "phone", "to_whom": "Mother", "occurred_at": occurred_at, "outcome": "No answer"},
    )


def test_it_refuses_a_contact_dated_in_the_future_and_keeps_what_was_typed(world, monkeypatch):
    """20 January 2027 is refused with a message; the date and the outcome stay in the form."""
    fixed_clock(monkeypatch, NOW)
    response = _log(world, "2027-01-20T09:00")
    body = response.content.decode()
    assert response.status_code == 200 and "This is in the future" in body
    assert 'value="2027-01-20T09:00"' in body and "No answer" in body
    assert not ContactLog.objects.exists()


def test_it_allows_a_few_minutes_of_clock_skew(world, monkeypatch):
    """A time three minutes ahead of the server is taken; one an hour ahead is not."""
    fixed_clock(monkeypatch, NOW)
    ahead = timezone.localtime(NOW + datetime.timedelta(hours=1))
    assert _log(world, ahead.strftime("%Y-%m-%dT%H:%M")).status_code == 200
    skew = timezone.localtime(NOW + datetime.timedelta(minutes=3))
    assert _log(world, skew.strftime("%Y-%m-%dT%H:%M")).status_code == 302
    assert ContactLog.objects.count() == 1
