"""A register lists its pupils in the order of the names it shows ("Surname, Forename", the preferred names where
recorded), without regard to case: sorted by legal names, a pupil known by another name looked out of place to the
teacher. The same on the session register and on a lesson register.

9A here: Alice Archer; Ben Baker, known as Ben Young; Zara Zed, known as Zara Abbott; Beth Carter; Cara Carter,
known as Ada; Dee Zulu, known as Dee de Souza. On a chosen day, Wednesday 14 October 2026 at 08:50, never the day the
tests run."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import selectors
from core.testing.factories import GroupMembershipFactory, PupilFactory
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 14)
SHOWN_ORDER = ["Abbott, Zara", "Archer, Alice", "Carter, Ada", "Carter, Beth", "de Souza, Dee", "Young, Ben"]


def _build():
    world = build_school_world()
    world.ben.preferred_last_name = "Young"
    world.ben.save()
    for legal, preferred in [
        (("Zara", "Zed"), {"preferred_last_name": "Abbott"}),
        (("Beth", "Carter"), {}),
        (("Cara", "Carter"), {"preferred_first_name": "Ada"}),
        (("Dee", "Zulu"), {"preferred_last_name": "de Souza"}),
    ]:
        pupil = PupilFactory(
            organisation=world.school, legal_first_name=legal[0], legal_last_name=legal[1], **preferred
        )
        GroupMembershipFactory(group=world.group_9a, pupil=pupil)
    return world


world = shared_world(_build, at=timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(8, 50))))


def _names_shown(body: str) -> list[str]:
    """The pupils' names as the register's rows show them, top to bottom."""
    return [name.strip() for name in re.findall(r'<th scope="row" id="pupil-\d+">([^<]+)', body)]


def test_it_lists_the_session_register_by_the_names_it_shows(world):
    """Tess's 9A morning register: Zara Abbott first, Ben Young last, de Souza among the Ds."""
    url = reverse("attendance:register", args=[world.group_9a.pk]) + "?date=2026-10-14&session=AM"
    body = client_for(world.tutor).get(url).content.decode()
    assert _names_shown(body) == SHOWN_ORDER


def test_it_lists_a_lesson_register_by_the_names_it_shows(world):
    """A P3 Maths register of 9A is in the same order as the session register."""
    url = reverse("attendance:lesson_register", args=[world.group_9a.pk])
    body = (
        client_for(world.tutor)
        .get(url, {"date": "2026-10-14", "session": "AM", "lesson": "P3 Maths"})
        .content.decode()
    )
    assert _names_shown(body) == SHOWN_ORDER


def test_it_reads_the_register_pupils_in_that_order(world):
    """`register_pupils`, which both registers read, gives the order: not the legal names' (Archer, Baker…)."""
    pupils = selectors.register_pupils(world.group_9a, DAY)
    assert [f"{p.last_name}, {p.first_name}" for p in pupils] == SHOWN_ORDER
