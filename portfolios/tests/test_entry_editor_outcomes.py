"""What the entry editor answers for each way a post can end: autosave refused, a form shown again, "Attach file"
with no file, and the list of records a minimum-count activity offers."""

from __future__ import annotations

import re

import pytest

from core.testing.personas import client_for
from portfolios import services
from portfolios.models import Entry
from portfolios.tests.world import PortfolioWorld, build_portfolio_world
from qualifications.models import Activity

pytestmark = pytest.mark.django_db


def _activity(world: PortfolioWorld, number: str) -> Activity:
    return Activity.objects.get(module__level=world.portfolio.enrolment.level, number=number)


def _url(world: PortfolioWorld, activity: Activity, n: int = 1) -> str:
    return f"/portfolios/{world.portfolio.pk}/activity/{activity.pk}/{n}/"


def _records_listed(page: str) -> list[int]:
    return [int(n) for n in re.findall(r">Record (\d+)(?: \([a-z ]+\))?</a>", page)]


def test_it_reports_an_autosave_it_could_not_keep() -> None:
    """Autosave swaps in "Not saved" (200) for a form or a record number that is refused, and saves nothing."""
    world = build_portfolio_world()
    client = client_for(world.participant)
    bad_choice = client.post(
        _url(world, _activity(world, "2.2")),
        {"body": "<p>x</p>", "alternative": "Not one of the alternatives"},
        HTTP_HX_REQUEST="true",
    )
    out_of_range = client.post(
        _url(world, _activity(world, "1.1"), 2), {"body": "<p>x</p>"}, HTTP_HX_REQUEST="true"
    )
    for response in (bad_choice, out_of_range):
        assert response.status_code == 200 and "Not saved" in response.content.decode()
    assert not Entry.objects.filter(portfolio=world.portfolio).exists()


def test_it_shows_the_entry_again_with_the_error_when_the_form_is_refused() -> None:
    """Without htmx a form that does not validate is the entry page again with its error, and nothing is saved."""
    world = build_portfolio_world()
    activity = _activity(world, "2.2")
    response = client_for(world.participant).post(
        _url(world, activity),
        {"body": "<p>x</p>", "alternative": "Not one of the alternatives", "draft": "1"},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Entry.objects.filter(portfolio=world.portfolio, activity=activity).exists()


def test_it_keeps_the_draft_and_asks_for_a_file_when_attach_is_pressed_without_one() -> None:
    """Pressing "Attach file" with no file chosen saves the words as a draft, stays on the entry and asks for a file."""
    world = build_portfolio_world()
    activity = _activity(world, "1.1")
    client = client_for(world.participant)
    response = client.post(_url(world, activity), {"body": "<p>Words</p>", "attach": "1"})
    assert response.status_code == 302 and response["Location"] == _url(world, activity)
    assert "Draft saved. Choose a file to attach." in client.get(response["Location"]).content.decode()
    entry = Entry.objects.get(portfolio=world.portfolio, activity=activity)
    assert entry.status == Entry.Status.DRAFT and entry.body == "<p>Words</p>"
    assert not entry.attachments.exists()


def test_it_offers_one_record_more_than_the_highest_once_the_minimum_exists() -> None:
    """A minimum-count activity lists at least its minimum of records, up to the highest started, and one more once
    as many records as the minimum exist (drafts count); other activities list no records."""
    world = build_portfolio_world()
    activity = _activity(world, "3.2")  # at least 5 records
    client = client_for(world.participant)
    assert _records_listed(client.get(_url(world, activity)).content.decode()) == [1, 2, 3, 4, 5]
    for n in (1, 7):
        services.entry_save(
            actor=world.participant,
            portfolio=world.portfolio,
            activity=activity,
            sequence=n,
            record={"focus": "x"},
        )
    assert _records_listed(client.get(_url(world, activity)).content.decode()) == [1, 2, 3, 4, 5, 6, 7]
    for n in (2, 3, 4):
        services.entry_save(
            actor=world.participant,
            portfolio=world.portfolio,
            activity=activity,
            sequence=n,
            record={"focus": "x"},
        )
    page = client.get(_url(world, activity)).content.decode()
    assert _records_listed(page) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert "Record 7 (draft)" in page and ">Record 5</a>" in page
    assert _records_listed(client.get(_url(world, _activity(world, "1.1"))).content.decode()) == []
