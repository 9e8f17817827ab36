"""Logging a mentor meeting reports every error on the first submit: a future date beside a missing field."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.testing.clock import fixed_clock
from core.testing.personas import client_for
from portfolios.models import MentorMeeting
from portfolios.tests.world import build_portfolio_world

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 10, 14, 10, 0))


def test_it_reports_a_future_date_and_a_missing_topic_at_once(monkeypatch) -> None:  # noqa: ANN001
    """One POST with tomorrow's date and no topics shows both errors and saves nothing."""
    world = build_portfolio_world()
    fixed_clock(monkeypatch, NOW)
    page = client_for(world.mentor).post(
        f"/portfolios/{world.portfolio.pk}/meetings/", {"held_on": "2026-10-15", "minutes": 30, "topics": ""}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert set(page.context["form"].errors) == {"held_on", "topics"}
    assert "the date cannot be in the future" in text and "This field is required." in text
    assert not MentorMeeting.objects.exists()


def test_it_logs_a_meeting_held_today(monkeypatch) -> None:  # noqa: ANN001
    """Today's date is not in the future: the meeting is logged."""
    world = build_portfolio_world()
    fixed_clock(monkeypatch, NOW)
    response = client_for(world.mentor).post(
        f"/portfolios/{world.portfolio.pk}/meetings/",
        {"held_on": "2026-10-14", "minutes": 30, "topics": "Plans"},
    )
    assert response.status_code == 302
    assert MentorMeeting.objects.get().held_on == datetime.date(2026, 10, 14)
