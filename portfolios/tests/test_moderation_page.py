"""The moderation pages: Moira, the university's moderator, records her verdict on a sampled portfolio; Ada, the
provider's administrator, resolves a disagreement from the sample page. Neither does the other's part."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from core.testing.personas import client_for
from portfolios import services
from portfolios.models import Outcome, SampleItem
from portfolios.tests.world import PortfolioWorld, build_portfolio_world, ready_to_submit

pytestmark = pytest.mark.django_db


def _sampled() -> tuple[PortfolioWorld, SampleItem]:
    world = build_portfolio_world()
    submission = services.portfolio_submit(actor=world.participant, portfolio=ready_to_submit(world))
    (review,) = services.reviews_allocate(
        actor=world.admin, provider=world.provider, reviewers=[world.reviewer], submissions=[submission]
    ).reviews
    services.review_record(
        actor=world.reviewer,
        review=review,
        judgements={
            m.pk: (Outcome.SATISFACTORY, "Secure") for m in world.portfolio.enrolment.level.modules.all()
        },
        outcome=Outcome.SATISFACTORY,
        feedback="Good",
        rating=3,
        borderline=False,
    )
    sample = services.sample_draw(actor=world.admin, edition=world.programme.edition, seed=3)
    return world, sample.items.get(review=review)


def test_it_records_the_moderators_verdict() -> None:
    """Moira's agreement is recorded and she goes back to her home page."""
    world, item = _sampled()
    response = client_for(world.moderator).post(f"/portfolios/moderation/{item.pk}/", {"verdict": "agree"})
    assert response.status_code == 302 and response["Location"] == "/portfolios/"
    item.refresh_from_db()
    assert item.verdict == SampleItem.Verdict.AGREE and item.moderator == world.moderator


def test_it_asks_a_disagreeing_moderator_for_her_reasons() -> None:
    """Disagreeing without reasons is the moderation page again, saying so, and no verdict is kept."""
    world, item = _sampled()
    response = client_for(world.moderator).post(f"/portfolios/moderation/{item.pk}/", {"verdict": "disagree"})
    assert response.status_code == 200 and "Give your reasons for disagreeing." in response.content.decode()
    item.refresh_from_db()
    assert item.verdict == ""


def test_it_leaves_the_verdict_to_the_moderator() -> None:
    """Ada reaches the sampled portfolio but the verdict page is the moderator's: 403 to read or post."""
    world, item = _sampled()
    ada = client_for(world.admin)
    assert ada.get(f"/portfolios/moderation/{item.pk}/").status_code == 403
    assert ada.post(f"/portfolios/moderation/{item.pk}/", {"verdict": "agree"}).status_code == 403
    item.refresh_from_db()
    assert item.verdict == ""


def test_it_leaves_resolving_a_disagreement_to_the_administrator() -> None:
    """Moira, who disagreed, may not resolve it herself (403); Ada's resolution is kept."""
    world, item = _sampled()
    services.sample_item_moderate(
        actor=world.moderator, item=item, verdict="disagree", reasons="Too generous."
    )
    url = f"/portfolios/moderation/{item.pk}/resolve/"
    resolution = {"outcome": Outcome.SATISFACTORY, "note": "Second reading agrees with the reviewer."}
    assert client_for(world.moderator).post(url, resolution).status_code == 403
    item.refresh_from_db()
    assert item.resolved_outcome == ""
    response = client_for(world.admin).post(url, resolution)
    assert (
        response.status_code == 302
        and response["Location"] == f"/portfolios/administration/sample/{item.sample_id}/"
    )
    item.refresh_from_db()
    assert item.resolved_outcome == Outcome.SATISFACTORY and item.resolved_by == world.admin


def test_it_tells_the_administrator_why_a_resolution_is_refused() -> None:
    """A resolution without a note, or of a portfolio the moderator agreed with, is refused with a message."""
    world, item = _sampled()
    ada = client_for(world.admin)
    url = f"/portfolios/moderation/{item.pk}/resolve/"
    no_note = ada.post(url, {"outcome": Outcome.SATISFACTORY}, follow=True).content.decode()
    assert "Choose the final outcome and say why." in no_note
    services.sample_item_moderate(actor=world.moderator, item=item, verdict="agree", reasons="")
    agreed = ada.post(url, {"outcome": Outcome.SATISFACTORY, "note": "Fine."}, follow=True).content.decode()
    assert "Only a disagreement needs resolving." in agreed
    item.refresh_from_db()
    assert item.resolved_outcome == ""


def test_it_writes_each_refusal_to_the_audit_log_with_the_rule_that_refused_it() -> None:
    """Ada's refused verdict page and Moira's refused resolution are logged against the item, each with its rule."""
    world, item = _sampled()
    client_for(world.admin).get(f"/portfolios/moderation/{item.pk}/")
    client_for(world.moderator).post(f"/portfolios/moderation/{item.pk}/resolve/")
    for actor, rule in ((world.admin, "can_record_verdict"), (world.moderator, "can_resolve_item")):
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.DENIED,
            actor=actor,
            object_type="portfolios.SampleItem",
            object_id=str(item.pk),
            note__contains=f"refused by {rule}",
        ).exists(), rule
