"""What stands in the way of submitting: activity titles cut at a word boundary with an ellipsis, and no live
"Submit portfolio" button while anything is listed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from core.testing.personas import client_for
from portfolios import selectors
from portfolios.tests.world import build_portfolio_world, ready_to_submit
from qualifications.models import Activity

pytestmark = pytest.mark.django_db
LONG_TITLE = (
    "Map the wellbeing provision in your school, including the pastoral team, the counsellors, the health centre "
    "and the Stimulus programme for boarders."
)


def test_it_cuts_a_long_activity_title_at_a_word_with_an_ellipsis() -> None:
    """A blocker names a long activity by its first words and "…", never by a word cut in half."""
    world = build_portfolio_world()
    activity = Activity.objects.get(module__edition=world.programme.edition, number="3.1")
    activity.title = LONG_TITLE
    activity.save()
    problems = selectors.submission_problems(world.portfolio, datetime.date(2000, 1, 1))
    line = next(p for p in problems if p.startswith("Activity 3.1"))
    assert line == (
        "Activity 3.1 (Map the wellbeing provision in your school, including the pastoral team, the…) "
        "is not complete."
    )
    assert "Stimu" not in line


def test_it_keeps_a_short_title_whole() -> None:
    """A title within the limit is given in full, without an ellipsis."""
    world = build_portfolio_world()
    problems = selectors.submission_problems(world.portfolio, datetime.date(2000, 1, 1))
    assert "Activity 4.1 (Audit your school's online safety education.) is not complete." in problems


def test_it_offers_no_live_submit_button_while_there_are_blockers() -> None:
    """With things still to do, the portfolio page shows the button disabled with the reason and no link to
    the submit page."""
    world = build_portfolio_world()
    body = client_for(world.participant).get(reverse("portfolios:portfolio", args=[world.portfolio.pk]))
    text = body.content.decode()
    assert "Before you can submit:" in text
    assert 'disabled aria-describedby="submit-blockers">Submit portfolio</button>' in text
    assert reverse("portfolios:submit", args=[world.portfolio.pk]) not in text


def test_it_offers_the_submit_button_once_nothing_stands_in_the_way() -> None:
    """A portfolio ready to submit links the submit page and lists no blockers."""
    world = build_portfolio_world()
    portfolio = ready_to_submit(world)
    text = (
        client_for(world.participant)
        .get(reverse("portfolios:portfolio", args=[portfolio.pk]))
        .content.decode()
    )
    assert reverse("portfolios:submit", args=[portfolio.pk]) in text
    assert "Before you can submit:" not in text and "disabled" not in text.split("Submit portfolio")[0][-80:]


def test_it_shows_the_submit_page_to_no_one_but_the_participant() -> None:
    """The mentor gets 403 and a participant at another school 404 on the submit page."""
    world = build_portfolio_world()
    url = reverse("portfolios:submit", args=[world.portfolio.pk])
    assert client_for(world.mentor).get(url).status_code == 403
    assert client_for(world.other_participant).get(url).status_code == 404
