"""A module's page has an "Actions" column only where a row has an action (skipping an optional activity): module 1
(optional 1.2) shows it with the Skip button; module 2 (none optional) had an empty column on every row."""

from __future__ import annotations

import pytest

from core.testing.personas import client_for
from portfolios.tests.world import build_portfolio_world

pytestmark = pytest.mark.django_db


def test_it_shows_the_actions_column_only_where_an_activity_can_be_skipped() -> None:
    """The participant sees Skip on 1.2 in module 1, and no Actions column at all in module 2."""
    world = build_portfolio_world()
    client = client_for(world.participant)
    one = client.get(f"/portfolios/{world.portfolio.pk}/module/1/").content.decode()
    two = client.get(f"/portfolios/{world.portfolio.pk}/module/2/").content.decode()
    assert '<th scope="col">Actions</th>' in one and "Skip<span" in one
    assert '<th scope="col">Actions</th>' not in two and "Skip<span" not in two


def test_it_offers_no_actions_to_a_reader_who_cannot_edit() -> None:
    """The mentor reads module 1 but cannot skip for the participant: no column."""
    world = build_portfolio_world()
    page = client_for(world.mentor).get(f"/portfolios/{world.portfolio.pk}/module/1/").content.decode()
    assert "Module 1" in page and '<th scope="col">Actions</th>' not in page
