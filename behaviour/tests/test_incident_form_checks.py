"""The incident form refuses a time in the future (a few minutes of clock skew aside) and asks for a severity
from 1 to 5 in the browser as the server does. Django's clock is stopped on Monday 7 December 2026."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.models import BehaviourCategory, Incident
from core.testing.clock import fixed_clock
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)

world = shared_world()


def _post(world, **changes):
    data = {
        "pupils": [world.alice.pk],
        "kind": "negative",
        "category": BehaviourCategory.objects.get(organisation=world.school, code="disruption").pk,
        "severity": 2,
        "occurred_at": "2026-12-07T09:30",
        "place": "classroom",
        "lesson": "P1 English",
        "staff": world.tutor.pk,
        "description": "Talking over the teacher",
        "actions": "Warning",
    }
    data.update(changes)
    return client_for(world.tutor).post(reverse("behaviour:incident_create"), data)


def test_it_refuses_an_incident_dated_in_the_future_and_keeps_what_was_typed(world, monkeypatch):
    """19 December when today is 7 December is refused with a message; the time and the description stay."""
    fixed_clock(monkeypatch, NOW)
    response = _post(world, occurred_at="2026-12-19T10:15")
    body = response.content.decode()
    assert response.status_code == 200
    assert "This is in the future" in body
    assert 'value="2026-12-19T10:15"' in body and "Talking over the teacher" in body
    assert not Incident.objects.exists()


def test_it_allows_a_few_minutes_of_clock_skew(world, monkeypatch):
    """A time three minutes ahead of the server (a fast clock on the teacher's device) is taken."""
    fixed_clock(monkeypatch, NOW)
    local = timezone.localtime(NOW + datetime.timedelta(minutes=3))
    response = _post(world, occurred_at=local.strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 302, response.content.decode()
    assert Incident.objects.count() == 1


def test_it_refuses_editing_an_incident_into_the_future(world, monkeypatch):
    """The change form checks the time as the new-incident form does."""
    fixed_clock(monkeypatch, NOW)
    assert _post(world).status_code == 302
    incident = Incident.objects.get()
    data = {
        "pupils": [world.alice.pk],
        "kind": "negative",
        "category": incident.category_id,
        "severity": 2,
        "occurred_at": "2027-01-04T09:00",
        "place": "classroom",
        "staff": world.tutor.pk,
        "description": "Talking over the teacher",
    }
    response = client_for(world.tutor).post(reverse("behaviour:incident_edit", args=[incident.pk]), data)
    assert response.status_code == 200 and "This is in the future" in response.content.decode()
    incident.refresh_from_db()
    assert timezone.localdate(incident.occurred_at) == datetime.date(2026, 12, 7)


def test_it_offers_severity_from_1_to_5_as_the_server_checks(world, monkeypatch):
    """The number box says min 1, max 5 (it said min 0), and 0 or 6 is refused with the same words."""
    fixed_clock(monkeypatch, NOW)
    body = client_for(world.tutor).get(reverse("behaviour:incident_create")).content.decode()
    severity = (
        body.split('name="severity"')[0].rsplit("<input", 1)[1]
        + body.split('name="severity"')[1].split(">")[0]
    )
    assert 'min="1"' in severity and 'max="5"' in severity and 'min="0"' not in severity
    for value in (0, 6):
        response = _post(world, severity=value)
        assert response.status_code == 200
        assert "Severity is from 1 (minor) to 5 (most serious)." in response.content.decode()
    assert not Incident.objects.exists()
