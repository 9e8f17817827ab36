"""The home panel counts the behaviour of the last 7 days, today included, up to now: not an eighth day back, not
anything dated later than now. Django's clock is stopped at 14:00 on Monday 7 December 2026."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour import selectors, services
from behaviour.models import BehaviourCategory
from core.testing.clock import fixed_clock
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)

world = shared_world()


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _incident(world, when: datetime.datetime, kind: str = "negative") -> None:
    code = "disruption" if kind == "negative" else "effort"
    category = BehaviourCategory.objects.get(organisation=world.school, code=code)
    services.incident_create(
        actor=world.tutor,
        organisation=world.school,
        pupils=[world.alice],
        kind=kind,
        category=category,
        occurred_at=when,
        place="classroom",
        staff=world.tutor,
        description="Something happened",
    )


def _panel(world) -> str:
    body = client_for(world.senior).get(reverse("home")).content.decode()
    return body.split('id="behaviour-home-h"')[1].split("</section>")[0]


def _days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def test_it_counts_the_last_seven_days_up_to_now(world, monkeypatch):
    """Today and six days back count; seven days back (the eighth day), later today and next week do not."""
    fixed_clock(monkeypatch, _at(TODAY, 14))
    _incident(world, _at(TODAY, 9))
    _incident(world, _at(_days_ago(6), 8))
    _incident(world, _at(_days_ago(7), 15))  # eight days with today: outside
    _incident(world, _at(TODAY, 16))  # later today: not yet
    _incident(world, _at(TODAY + datetime.timedelta(days=12), 10))  # future-dated
    _incident(world, _at(_days_ago(3), 11), kind="positive")
    counts = selectors.recent_behaviour(world.senior, now=timezone.now())
    assert (counts["negative"], counts["positive"]) == (2, 1)
    panel = _panel(world)
    assert "Behaviour in the last 7 days" in panel
    assert "<strong>2</strong> negative incidents" in panel
    assert "<strong>1</strong> positive entry" in panel


def test_it_says_one_negative_incident_in_the_singular(world, monkeypatch):
    """It says "1 negative incident", "0 positive entries" and "0 suspensions", never "1 negative incidents"."""
    fixed_clock(monkeypatch, _at(TODAY, 14))
    _incident(world, _at(_days_ago(1), 10))
    panel = _panel(world)
    assert "<strong>1</strong> negative incident<" in panel
    assert "<strong>0</strong> positive entries" in panel
    assert "<strong>0</strong> suspensions" in panel


def test_it_counts_suspensions_begun_in_the_last_seven_days(world, monkeypatch):
    """A suspension that began four days ago counts (in the singular); one beginning next week does not yet."""
    fixed_clock(monkeypatch, _at(TODAY, 14))
    for starts_on in (_days_ago(4), TODAY + datetime.timedelta(days=7)):
        services.suspension_create(
            actor=world.head_of_year9,
            pupil=world.alice,
            kind="suspension",
            starts_on=starts_on,
            ends_on=starts_on,
            sessions=2,
            reason="verbal_adult",
            details="Swore at a teacher",
            parents_informed=True,
        )
    assert selectors.recent_behaviour(world.senior, now=timezone.now())["suspensions"] == 1
    assert "<strong>1</strong> suspension<" in _panel(world)
