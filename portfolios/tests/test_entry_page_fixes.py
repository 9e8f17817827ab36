"""The entry page's small fixes (issue 19): the comment box has its own id, drafts keep you on the entry."""

from __future__ import annotations

import re

import pytest

from pastoral.testing.personas import client_for
from portfolios.models import Entry
from portfolios.tests.world import build_portfolio_world
from qualifications.models import Activity

pytestmark = pytest.mark.django_db


def _activity(world, number: str) -> Activity:  # noqa: ANN001
    return Activity.objects.get(module__level=world.portfolio.enrolment.level, number=number)


def _url(world, activity: Activity, n: int = 1) -> str:  # noqa: ANN001
    return f"/portfolios/{world.portfolio.pk}/activity/{activity.pk}/{n}/"


def test_it_gives_the_comment_box_its_own_id() -> None:
    """The "Comment" label points at the comment box, not at the entry's body."""
    world = build_portfolio_world()
    activity = _activity(world, "1.1")
    client_for(world.participant).post(_url(world, activity), {"body": "<p>x</p>", "draft": "1"})
    page = client_for(world.participant).get(_url(world, activity)).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "every id on the page is unique"
    assert re.search(r'<label for="id_comment_body">Comment', page)
    assert re.search(r'<textarea name="body"[^>]*id="id_comment_body"', page)
    entry = Entry.objects.get(portfolio=world.portfolio, activity=activity)
    client_for(world.mentor).post(f"/portfolios/entry/{entry.pk}/comment/", {"body": "Add the policy link."})
    assert entry.comments.get().body == "Add the policy link."
