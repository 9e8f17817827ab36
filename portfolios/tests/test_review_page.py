"""The review page: Ray, the allocated reviewer, records his judgement there; Ada, the provider's administrator,
reads it but does not judge; Pip (the participant) and Mona (the mentor) may open the portfolio, not its review."""

from __future__ import annotations

from typing import Any

import pytest

from audit.models import AuditEvent
from core.testing.personas import client_for
from portfolios import services
from portfolios.models import Outcome, Review
from portfolios.tests.world import PortfolioWorld, build_portfolio_world, ready_to_submit

pytestmark = pytest.mark.django_db


def _allocated() -> tuple[PortfolioWorld, Review]:
    world = build_portfolio_world()
    submission = services.portfolio_submit(actor=world.participant, portfolio=ready_to_submit(world))
    (review,) = services.reviews_allocate(
        actor=world.admin, provider=world.provider, reviewers=[world.reviewer], submissions=[submission]
    ).reviews
    return world, review


def _judgement(world: PortfolioWorld, *, module_outcome: str = Outcome.SATISFACTORY) -> dict[str, Any]:
    data: dict[str, Any] = {
        "outcome": Outcome.SATISFACTORY,
        "feedback": "A thorough portfolio.",
        "rating": "4",
    }
    for module in world.portfolio.enrolment.level.modules.all():
        data[f"module_{module.pk}_outcome"] = module_outcome
        data[f"module_{module.pk}_feedback"] = f"Module {module.number} secure."
    return data


def _url(review: Review) -> str:
    return f"/portfolios/review/{review.pk}/"


def test_it_records_the_allocated_reviewers_judgement() -> None:
    """Ray's posted judgement is recorded and he goes back to his home page."""
    world, review = _allocated()
    response = client_for(world.reviewer).post(_url(review), _judgement(world))
    assert response.status_code == 302 and response["Location"] == "/portfolios/"
    review.refresh_from_db()
    assert review.completed_at and review.outcome == Outcome.SATISFACTORY and review.rating == 4
    assert review.module_judgements.count() == world.portfolio.enrolment.level.modules.count()


def test_it_shows_the_review_form_again_with_what_is_wrong() -> None:
    """An incomplete form, or a judgement the service refuses, is the review page again and records nothing."""
    world, review = _allocated()
    client = client_for(world.reviewer)
    incomplete = client.post(_url(review), {"feedback": "Half done."})
    refused = client.post(_url(review), _judgement(world, module_outcome=Outcome.NOT_YET))
    assert incomplete.status_code == 200 and "This field is required." in incomplete.content.decode()
    assert refused.status_code == 200
    assert (
        "The whole cannot be satisfactory while a module is not yet satisfactory." in refused.content.decode()
    )
    review.refresh_from_db()
    assert review.completed_at is None and not review.module_judgements.exists()


def test_it_lets_the_administrator_read_a_review_but_not_record_it() -> None:
    """Ada opens the review (200) but her posted judgement is refused (403) and nothing is recorded."""
    world, review = _allocated()
    ada = client_for(world.admin)
    assert ada.get(_url(review)).status_code == 200
    assert ada.post(_url(review), _judgement(world)).status_code == 403
    review.refresh_from_db()
    assert review.completed_at is None


def test_it_refuses_the_participant_and_the_mentor_the_review_with_403() -> None:
    """Pip and Mona may open the portfolio but not its review: 403."""
    world, review = _allocated()
    for person in (world.participant, world.mentor):
        client = client_for(person)
        assert client.get(f"/portfolios/{world.portfolio.pk}/").status_code == 200
        assert client.get(_url(review)).status_code == 403
        assert client.post(_url(review), _judgement(world)).status_code == 403


def test_it_answers_404_for_a_review_that_does_not_exist() -> None:
    """An id that names no review is 404, as for one outside the user's organisations."""
    world, review = _allocated()
    assert client_for(world.reviewer).get(f"/portfolios/review/{review.pk + 1000}/").status_code == 404


def test_it_writes_a_refused_review_to_the_audit_log_naming_the_review_and_the_rule() -> None:
    """Pip's refusal is logged against the review itself, with the permission rule that refused it."""
    world, review = _allocated()
    assert client_for(world.participant).get(_url(review)).status_code == 403
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED,
        actor=world.participant,
        object_type="portfolios.Review",
        object_id=str(review.pk),
        note__contains="refused by can_open_review",
    ).exists()
