"""The referrals page: closed referrals have their own list (`?show=closed`, 50 a page, when and why each closed),
both open tables say who made each referral, and a referral whose answer has come shows the answer's day, not a
due date. "Today" is Thursday 10 December 2026."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from core.testing.personas import build_school_world
from core.testing.world import shared_world
from safeguarding import selectors, services
from safeguarding.models import Referral

from .helpers import agency, close, refer, stepped_up

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 10, 9, tzinfo=datetime.UTC)
URL = reverse("safeguarding:referrals")


def _build_world():
    world = build_school_world()
    # CAMHS acknowledges within 14 calendar days here; the front door decides within 1 calendar day.
    world.camhs = agency(world.school, response_days=14)
    world.care = agency(world.school, "social_care", name="Front door", working_days=False)
    return world


world = shared_world(_build_world, at=TODAY)


def _table(page: str, table_id: str) -> str:
    found = re.search(rf'<table id="{table_id}">.*?</table>', page, re.S)
    assert found, f"no table {table_id}"
    return found.group(0)


def test_it_lists_closed_referrals_under_closed_with_when_and_why_and_not_under_open(world):
    """CAMHS for Alice closed on Fri 4 Dec ("Discharged after six sessions."); Ben's stays open: the closed view
    lists Alice's with the day and the outcome, the open view only Ben's."""
    closed = refer(world, world.camhs, datetime.date(2026, 11, 2))
    close(world, closed, datetime.date(2026, 12, 4), note="Discharged after six sessions.")
    still_open = refer(world, world.camhs, datetime.date(2026, 12, 1), pupil=world.ben)
    client = stepped_up(world.dsl)
    closed_table = _table(client.get(URL, {"show": "closed"}).content.decode(), "sg-closed")
    assert reverse("safeguarding:referral_detail", args=[closed.pk]) in closed_table
    assert "Fri 4 Dec 2026" in closed_table and "Discharged after six sessions." in closed_table
    assert reverse("safeguarding:referral_detail", args=[still_open.pk]) not in closed_table
    open_page = client.get(URL).content.decode()
    assert reverse("safeguarding:referral_detail", args=[still_open.pk]) in open_page
    assert reverse("safeguarding:referral_detail", args=[closed.pk]) not in open_page
    assert '<a href="?show=closed"' in open_page


def test_it_pages_the_closed_referrals_fifty_at_a_time_most_recently_closed_first(world):
    """51 closed referrals: the first page has 50, the most recently closed on top; the 51st is on page 2."""
    referrals = []
    for n in range(51):
        referral = refer(world, world.camhs, datetime.date(2026, 9, 1))
        close(world, referral, datetime.date(2026, 9, 2) + datetime.timedelta(days=n), note=f"Outcome {n}.")
        referrals.append(referral)
    rows = list(selectors.closed_referrals(Referral.objects.all()))
    assert rows[0] == referrals[-1] and rows[-1] == referrals[0]
    client = stepped_up(world.dsl)
    first = _table(client.get(URL, {"show": "closed"}).content.decode(), "sg-closed")
    assert first.count('<th scope="row">') == 50 and "Outcome 50." in first and "Outcome 0." not in first
    second = client.get(URL, {"show": "closed", "page": 2}).content.decode()
    assert _table(second, "sg-closed").count('<th scope="row">') == 1 and "Outcome 0." in second


def test_it_says_who_made_each_referral_in_both_the_overdue_and_the_open_table(world):
    """An overdue referral Dee Lead made and an open one the PAL made: both tables name the maker."""
    refer(world, world.care, datetime.date(2026, 12, 1))
    refer(world, world.camhs, datetime.date(2026, 12, 8), actor=world.pal, pupil=world.alice)
    page = stepped_up(world.dsl).get(URL).content.decode()
    assert "1 Dec 2026 (Dee Lead)" in _table(page, "sg-overdue")
    assert f"8 Dec 2026 ({world.pal.full_name})" in _table(page, "sg-open")


def test_it_shows_the_answers_day_not_a_due_date_once_the_answer_has_come(world):
    """CAMHS (owes an acknowledgement) made Tue 1 Dec, due Tue 15 Dec, acknowledged Mon 7 Dec: the open table says
    "Answered Mon 7 Dec 2026" and no due date. Social care (owes a decision) only acknowledged: still "Due"."""
    camhs = refer(world, world.camhs, datetime.date(2026, 12, 1))
    services.referral_update(
        actor=world.dsl, referral=camhs, status="acknowledged", on=datetime.date(2026, 12, 7)
    )
    care = refer(world, world.care, datetime.date(2026, 12, 9), pupil=world.ben)
    services.referral_update(
        actor=world.dsl, referral=care, status="acknowledged", on=datetime.date(2026, 12, 9)
    )
    open_table = _table(stepped_up(world.dsl).get(URL).content.decode(), "sg-open")
    assert "Answered Mon 7 Dec 2026" in open_table
    assert "15 Dec" not in open_table
    assert "Due Thu 10 Dec 2026" in open_table
    assert selectors.timer(camhs, TODAY.date()).answered_on == datetime.date(2026, 12, 7)
