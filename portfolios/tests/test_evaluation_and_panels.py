"""The end-of-year evaluation summarised for the provider; the home-page panel; navigation."""

from __future__ import annotations

import pytest

from core.testing.personas import client_for
from portfolios.models import EvaluationResponse
from portfolios.tests.world import build_portfolio_world

pytestmark = pytest.mark.django_db

ANSWERS = {
    "training_rating": 5,
    "mentor_rating": 4,
    "portfolio_rating": 3,
    "impact_rating": 4,
    "most_useful": "The coaching module",
    "improve": "More time for the portfolio",
}


def test_it_collects_one_evaluation_per_participant_and_summarises_it() -> None:
    world = build_portfolio_world()
    client = client_for(world.participant)
    assert (
        client.post(
            f"/portfolios/{world.portfolio.pk}/evaluation/", {**ANSWERS, "training_rating": 9}
        ).status_code
        == 200
    )
    assert not EvaluationResponse.objects.exists()
    client.post(f"/portfolios/{world.portfolio.pk}/evaluation/", ANSWERS)
    client_for(world.participant2).post(
        f"/portfolios/{world.portfolio2.pk}/evaluation/", {**ANSWERS, "training_rating": 3}
    )
    again = client.post(f"/portfolios/{world.portfolio.pk}/evaluation/", ANSWERS)
    assert "already answered" in again.content.decode()
    assert EvaluationResponse.objects.count() == 2
    summary = client_for(world.admin).get("/portfolios/administration/evaluation/").content.decode()
    assert "2 responses" in summary and "<td>4.0</td>" in summary and "The coaching module" in summary
    # Only the participant answers; only the provider's administrators read the summary.
    assert client_for(world.mentor).get(f"/portfolios/{world.portfolio.pk}/evaluation/").status_code == 403
    assert client_for(world.participant).get("/portfolios/administration/evaluation/").status_code == 403


def test_it_shows_a_home_panel_and_navigation_to_participants_and_mentors() -> None:
    world = build_portfolio_world()
    home = client_for(world.mentor).get("/").content.decode()
    assert "Portfolios and mentor meetings" in home and "Pip Participant (mentee)" in home
    assert 'href="/portfolios/"' in home
    tutor_home = client_for(world.school.tutor).get("/").content.decode()
    assert "Portfolios and mentor meetings" not in tutor_home
