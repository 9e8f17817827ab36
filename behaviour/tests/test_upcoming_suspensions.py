"""The pupil's behaviour record counts this school year's suspensions begun by today, and names those recorded to
begin later apart, as the table below lists them. Django's clock is stopped at 14:00 on Monday 7 December 2026."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour import selectors, services
from core.testing.clock import fixed_clock
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)
D = datetime.date

world = shared_world()


def _suspend(world, starts_on, ends_on, sessions, kind="suspension"):
    return services.suspension_create(
        actor=world.head_of_year9,
        pupil=world.alice,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        sessions=sessions,
        reason="verbal_adult",
        details="Swore at a teacher",
        parents_informed=True,
    )


def _stats(world) -> str:
    body = client_for(world.head_of_year9).get(reverse("behaviour:pupil_behaviour", args=[world.alice.pk]))
    html = body.content.decode()
    return html.split('<ul class="stats">')[1].split("</ul>")[0]


@pytest.fixture
def clock(monkeypatch):
    return fixed_clock(monkeypatch, timezone.make_aware(datetime.datetime(2026, 12, 7, 14, 0)))


def test_it_names_a_suspension_recorded_today_for_tomorrow_apart(world, clock):
    """A suspension for 8–9 Dec recorded on 7 Dec is "1 upcoming suspension (4 sessions from 8 Dec 2026)", not 0."""
    _suspend(world, D(2026, 12, 8), D(2026, 12, 9), 4)
    stats = _stats(world)
    assert "<strong>0</strong> suspensions (0 sessions)" in stats
    assert "<strong>1</strong> upcoming suspension (4 sessions from 8 Dec 2026)" in stats


def test_it_keeps_counting_past_suspensions_as_the_years_figure(world, clock):
    """Begun by today: counted in the year's figure as before; later, withdrawn or internal ones are kept apart."""
    _suspend(world, D(2026, 12, 1), D(2026, 12, 1), 2)
    _suspend(world, D(2026, 12, 7), D(2026, 12, 8), 3)  # begun today, runs on: the year's figure
    _suspend(world, D(2026, 12, 14), D(2026, 12, 14), 2)
    _suspend(world, D(2026, 12, 10), D(2026, 12, 11), 4)
    withdrawn = _suspend(world, D(2026, 12, 9), D(2026, 12, 9), 2)
    services.suspension_withdraw(actor=world.head_of_year9, suspension=withdrawn, reason="Rescinded")
    _suspend(world, D(2026, 12, 15), D(2026, 12, 15), 2, kind="internal")
    summary = selectors.behaviour_summary(world.alice, D(2026, 9, 1), TODAY)
    assert (summary["suspensions"], summary["suspension_sessions"], summary["internal"]) == (2, 5, 0)
    upcoming = selectors.upcoming_suspensions(world.alice, today=TODAY)
    assert (upcoming["suspensions"], upcoming["sessions"], upcoming["first_on"]) == (2, 6, D(2026, 12, 10))
    assert (upcoming["internal"], upcoming["internal_first_on"]) == (1, D(2026, 12, 15))
    stats = _stats(world)
    assert "<strong>2</strong> suspensions (5 sessions)" in stats
    assert "<strong>2</strong> upcoming suspensions (6 sessions from 10 Dec 2026)" in stats
    assert "<strong>1</strong> upcoming internal exclusion (from 15 Dec 2026)" in stats


def test_it_says_nothing_upcoming_when_none_is(world, clock):
    """With no suspension ahead the figures are as they were, with no "upcoming" line."""
    _suspend(world, D(2026, 12, 1), D(2026, 12, 2), 4)
    stats = _stats(world)
    assert "<strong>1</strong> suspensions (4 sessions)" in stats
    assert "upcoming" not in stats
