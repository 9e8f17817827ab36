"""Submission asks once, the verify lookup forgives spaces and hyphens, moderation pages speak plainly (issue 19)."""

from __future__ import annotations

import pytest
from django.test import Client

from core.testing.personas import client_for
from portfolios import services
from portfolios.models import Outcome, Review, Submission
from portfolios.tests.world import build_portfolio_world, ready_to_submit

pytestmark = pytest.mark.django_db


def test_it_asks_for_confirmation_once_when_submitting() -> None:
    """The submit page is the confirmation: its button carries no second (JavaScript) confirmation."""
    world = build_portfolio_world()
    portfolio = ready_to_submit(world)
    client = client_for(world.participant)
    page = client.get(f"/portfolios/{portfolio.pk}/submit/").content.decode()
    assert "data-confirm" not in page and "Submit portfolio" in page
    assert client.post(f"/portfolios/{portfolio.pk}/submit/").status_code == 302
    assert Submission.objects.filter(portfolio=portfolio).count() == 1


@pytest.mark.parametrize("typed", ["{a}-{b}-{c}", " {a} {b} {c} ", "{a}-{b} {c}", "{lower}"])
def test_it_finds_a_certificate_typed_with_hyphens_spaces_or_in_lower_case(typed: str) -> None:
    """The verify lookup drops spaces and hyphens and upper-cases the code before looking it up."""
    world = build_portfolio_world()
    world.portfolio.final_outcome = Outcome.SATISFACTORY
    world.portfolio.save()
    cert = services.certificate_issue(portfolio=world.portfolio, base_url="http://testserver")
    code = cert.code
    text = typed.format(a=code[:4], b=code[4:8], c=code[8:], lower=code.lower())
    response = Client().get("/portfolios/verify/", {"code": text}, follow=True)
    assert response.redirect_chain[-1][0] == f"/portfolios/verify/{code}/"
    assert response.status_code == 200 and "Valid" in response.content.decode()
    assert Client().get(f"/portfolios/verify/{code[:4]}-{code[4:8]}-{code[8:]}/").status_code == 200


def test_it_refuses_a_code_of_only_hyphens_with_a_clear_error() -> None:
    """A code that is nothing but separators is an error on the form, not a lookup."""
    response = Client().get("/portfolios/verify/", {"code": " - - "})
    assert response.status_code == 200
    assert "Enter the verification code from the certificate." in response.content.decode()


def test_it_says_what_the_seed_and_the_sample_size_mean() -> None:
    """The sample pages explain the random number and the rule in words, with no "Seed" or "⌈√n⌉"."""
    world = build_portfolio_world()
    sub = services.portfolio_submit(actor=world.participant, portfolio=ready_to_submit(world))
    (review,) = services.reviews_allocate(
        actor=world.admin, provider=world.provider, reviewers=[world.reviewer], submissions=[sub]
    ).reviews
    services.review_record(
        actor=world.reviewer,
        review=Review.objects.get(pk=review.pk),
        judgements={
            m.pk: (Outcome.SATISFACTORY, "ok") for m in world.portfolio.enrolment.level.modules.all()
        },
        outcome=Outcome.SATISFACTORY,
        feedback="Good",
        rating=3,
        borderline=False,
    )
    admin = client_for(world.admin)
    response = admin.post(
        "/portfolios/administration/sample/",
        {"edition": world.programme.edition.pk, "seed": 4242},
        follow=True,
    )
    page = response.content.decode()
    assert "Its random number is 4242" in page
    assert "The random number that lets the sample be drawn again: <strong>4242</strong>" in page
    assert "at least the square root of the number reviewed (rounded up), and at least 5" in page
    assert "Seed" not in page and "√" not in page
    admin_page = admin.get("/portfolios/administration/").content.decode()
    assert "Seed" not in admin_page and ", seed " not in admin_page and "random number 4242" in admin_page
