"""The open referrals page says "No open referrals." when there are none at all ("No other open referrals." only
beside overdue ones), and names the learners in the organisation's own word ("Student" in a college)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from core.testing.personas import build_school_world
from core.testing.world import shared_world
from organisations.models import Organisation

from .helpers import agency, refer, stepped_up

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 10, 9, tzinfo=datetime.UTC)  # Thursday 10 Dec 2026
URL = reverse("safeguarding:referrals")


def _build_world():
    world = build_school_world()
    world.camhs = agency(world.school, response_days=14)
    return world


world = shared_world(_build_world, at=TODAY)


def _open_table(page: str) -> str:
    found = re.search(r'<table id="sg-open">.*?</table>', page, re.S)
    assert found
    return found.group(0)


def test_it_says_no_open_referrals_when_there_are_none(world):
    """With no referral at all the open table says "No open referrals.", not "No other"."""
    table = _open_table(stepped_up(world.dsl).get(URL).content.decode())
    assert "No open referrals." in table and "No other" not in table


def test_it_says_no_other_open_referrals_beside_overdue_ones(world):
    """With only an overdue referral, the open table says "No other open referrals."."""
    refer(world, world.camhs, datetime.date(2026, 11, 2))
    table = _open_table(stepped_up(world.dsl).get(URL).content.decode())
    assert "No other open referrals." in table


def test_it_names_the_column_in_a_colleges_words(world):
    """In a college the column is "Student"; in a school "Pupil"."""
    assert '<th scope="col">Pupil</th>' in stepped_up(world.dsl).get(URL).content.decode()
    Organisation.objects.filter(pk=world.school.pk).update(kind=Organisation.Kind.COLLEGE, phase="further")
    page = stepped_up(world.dsl).get(URL).content.decode()
    assert '<th scope="col">Student</th>' in page and '<th scope="col">Pupil</th>' not in page
