"""`shared_world()`: a module's world is built once, each test gets its own copy, and what a test writes is gone
for the next one (core/testing/world.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from access.permissions import CACHE_ATTR
from core.testing.factories import PupilFactory
from core.testing.personas import build_school_world
from core.testing.world import shared_world
from people.models import Pupil

AT = datetime.datetime(2026, 10, 7, 9, 30, tzinfo=datetime.UTC)
built_on: list[datetime.date] = []


def _build_world():
    built_on.append(timezone.localdate())
    return build_school_world()


world = shared_world(_build_world, at=AT)


def test_it_builds_the_world_once_for_the_module_on_the_chosen_day(world):
    """The builder ran once, on the day `at` names, and the clock stays there during the test."""
    assert built_on == [datetime.date(2026, 10, 7)]
    assert timezone.now() == AT


def test_it_changes_the_world_in_one_test(world):
    """A test that writes to the world's rows and sets attributes on its objects (the next test checks)."""
    world.alice.legal_first_name = "Changed"
    world.alice.save()
    setattr(world.tutor, CACHE_ATTR, "a cached grant")
    PupilFactory(organisation=world.school, legal_first_name="Extra")


def test_it_gives_the_next_test_the_world_as_built(world):
    """What the previous test wrote is rolled back and what it set on its copy is not on this one."""
    assert built_on == [datetime.date(2026, 10, 7)]
    assert Pupil.objects.get(pk=world.alice.pk).legal_first_name == "Alice"
    assert world.alice.legal_first_name == "Alice"
    assert not hasattr(world.tutor, CACHE_ATTR)
    assert not Pupil.objects.filter(legal_first_name="Extra").exists()


def test_it_keeps_the_copy_consistent(world):
    """One copy a test: the same pupil reached two ways is one object."""
    assert world.alice.organisation is world.school
