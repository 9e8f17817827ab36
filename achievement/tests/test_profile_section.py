"""The pupil profile's "Progress against target" section: each course's latest grade and target, or none."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from early_warning.tests.helpers import grades

pytestmark = pytest.mark.django_db


def _build_world():
    world = build_school_world()
    grades(world.alice, {"MA": [0, -1], "EN": [1, 1]})
    return world


world = shared_world(_build_world)


def _section(user, pupil) -> str:
    page = client_for(user).get(reverse("people:pupil_detail", args=[pupil.pk])).content.decode()
    start = page.index('id="achievement-heading"')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("persona", ["head_of_year9", "admin", "senior", "tutor"])
def test_it_shows_each_course_latest_grade_on_the_profile(world, persona):
    """A pupil with grades has each course's latest working-at grade and target on the profile, for every role."""
    section = _section(getattr(world, persona), world.alice)
    assert "MA: working at 5, target 6" in section
    assert "EN: working at 7, target 6" in section
    assert "No grades imported." not in section


def test_it_says_no_grades_for_a_pupil_without_any(world):
    """A pupil with no results has the section saying so."""
    section = _section(world.head_of_year9, world.ben)
    assert "No grades imported." in section
    assert "working at" not in section
