"""Home panels for the reviewer (portfolios awaiting her review) and the external moderator (sampled portfolios
awaiting her verdict): a count and a link to each, and nothing of anyone else's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from access.roles import Role
from core.testing.factories import OrganisationFactory, RoleFactory, UserFactory
from core.testing.personas import client_for
from organisations.models import Organisation
from portfolios import services
from portfolios.models import Outcome, Review
from portfolios.tests.world import PortfolioWorld, build_portfolio_world, ready_to_submit

pytestmark = pytest.mark.django_db


def _allocate_both(world: PortfolioWorld) -> list[Review]:
    reviews: list[Review] = []
    for p in (world.portfolio, world.portfolio2):
        sub = services.portfolio_submit(actor=p.enrolment.participant, portfolio=ready_to_submit(world, p))
        reviews += services.reviews_allocate(
            actor=world.admin, provider=world.provider, reviewers=[world.reviewer], submissions=[sub]
        ).reviews
    return reviews


def _judge(review: Review) -> None:
    modules = review.submission.portfolio.enrolment.level.modules.all()
    services.review_record(
        actor=review.reviewer,
        review=review,
        judgements={m.pk: (Outcome.SATISFACTORY, "Feedback") for m in modules},
        outcome=Outcome.SATISFACTORY,
        feedback="Overall feedback",
        rating=3,
        borderline=False,
    )


def _home(user) -> str:  # noqa: ANN001
    return client_for(user).get(reverse("home")).content.decode()


def test_it_lists_the_portfolios_awaiting_the_reviewer_with_a_count_and_links() -> None:
    """Ray's home counts his two open reviews and links each review page."""
    world = build_portfolio_world()
    reviews = _allocate_both(world)
    body = _home(world.reviewer)
    assert 'id="portfolios-reviews-h"' in body
    assert "<strong>2</strong> portfolios to review" in body
    for review in reviews:
        assert reverse("portfolios:review", args=[review.pk]) in body
    assert world.participant.full_name in body


def test_it_drops_a_completed_review_from_the_reviewers_panel() -> None:
    """A review once recorded no longer awaits him; with none left the panel is not shown."""
    world = build_portfolio_world()
    first, second = _allocate_both(world)
    _judge(first)
    body = _home(world.reviewer)
    assert "<strong>1</strong> portfolio to review" in body
    assert reverse("portfolios:review", args=[first.pk]) not in body
    _judge(second)
    assert 'id="portfolios-reviews-h"' not in _home(world.reviewer)


def test_it_shows_another_reviewer_none_of_his_allocations() -> None:
    """Rita (same provider) and a reviewer of another provider see no panel and no links to Ray's reviews."""
    world = build_portfolio_world()
    reviews = _allocate_both(world)
    elsewhere = OrganisationFactory(name="Other Provider", slug="other-pd", kind=Organisation.Kind.PROVIDER)
    stranger = UserFactory(email="sam@other.test", full_name="Sam Stranger")
    RoleFactory(organisation=elsewhere, user=stranger, role=Role.REVIEWER)
    for user in (world.reviewer2, stranger):
        body = _home(user)
        assert 'id="portfolios-reviews-h"' not in body
        assert all(reverse("portfolios:review", args=[r.pk]) not in body for r in reviews)
    assert client_for(stranger).get(reverse("portfolios:review", args=[reviews[0].pk])).status_code == 404


def test_it_lists_the_sampled_portfolios_awaiting_the_moderator() -> None:
    """Moira's home counts the sampled portfolios still to moderate, by pseudonym, each linked; a verdict given
    takes one off."""
    world = build_portfolio_world()
    for review in _allocate_both(world):
        _judge(review)
    sample = services.sample_draw(actor=world.admin, edition=world.programme.edition, seed=99)
    first, second = sample.items.order_by("pseudonym")
    body = _home(world.moderator)
    assert "<strong>2</strong> sampled portfolios to moderate" in body
    for item in (first, second):
        assert reverse("portfolios:moderate", args=[item.pk]) in body and item.pseudonym in body
    assert world.participant.full_name not in body  # anonymised
    services.sample_item_moderate(actor=world.moderator, item=first, verdict="agree", reasons="")
    body = _home(world.moderator)
    assert "<strong>1</strong> sampled portfolio to moderate" in body
    assert reverse("portfolios:moderate", args=[first.pk]) not in body


def test_it_shows_a_moderator_of_another_university_nothing() -> None:
    """A moderator at a university that is not the programme's partner sees no panel and gets 404 on the item."""
    world = build_portfolio_world()
    for review in _allocate_both(world):
        _judge(review)
    sample = services.sample_draw(actor=world.admin, edition=world.programme.edition, seed=99)
    other_uni = OrganisationFactory(
        name="Other University", slug="other-u", kind=Organisation.Kind.UNIVERSITY
    )
    stranger = UserFactory(email="olga@other-u.test", full_name="Olga Other")
    RoleFactory(organisation=other_uni, user=stranger, role=Role.MODERATOR)
    body = _home(stranger)
    assert 'id="portfolios-moderation-h"' not in body
    item = sample.items.first()
    assert client_for(stranger).get(reverse("portfolios:moderate", args=[item.pk])).status_code == 404
    assert 'id="portfolios-moderation-h"' not in _home(world.reviewer)  # a reviewer is not a moderator
