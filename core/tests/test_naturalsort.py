"""Natural order: numbers inside names compare as numbers (7A1, 10B2, 13F4), the rest without regard to case."""

from __future__ import annotations

import pytest

from access.forms import RoleAssignForm
from attendance.forms import FiguresForm, LessonRegisterChoiceForm
from core.naturalsort import natural_key, natural_sorted
from core.testing.factories import GroupFactory
from core.testing.personas import build_school_world
from people.models import Group


def test_it_puts_year_7_before_year_10_and_13():
    """Groups sort by their numbers, not as text."""
    names = ["10B2", "13F4", "7A1", "7A10", "7a2", "9B", "Reception R1", "Y12 Chemistry"]
    assert natural_sorted(names) == [
        "7A1",
        "7a2",
        "7A10",
        "9B",
        "10B2",
        "13F4",
        "Reception R1",
        "Y12 Chemistry",
    ]


def test_it_sorts_by_a_key_and_in_reverse():
    """Objects sort by the key given; reverse gives the natural order backwards; None sorts as empty text."""
    rows = [{"name": "Year 10"}, {"name": "Year 7"}, {"name": "Year 11"}]
    assert [r["name"] for r in natural_sorted(rows, key=lambda r: r["name"])] == [
        "Year 7",
        "Year 10",
        "Year 11",
    ]
    assert natural_sorted(["Year 7", "Year 10"], reverse=True) == ["Year 10", "Year 7"]
    assert natural_key(None) < natural_key("7A")


def _add_groups(world) -> None:
    for name, year in (("13F4", 13), ("7A1", 7), ("10B2", 10), ("7A10", 7), ("7A2", 7)):
        GroupFactory(organisation=world.school, name=name, year_group=year)


def _labels(field) -> list[str]:
    return [str(label) for value, label in field.choices if value != ""]


@pytest.mark.django_db
def test_it_offers_groups_in_natural_order_in_the_pickers():
    """The role form's group picker and attendance's group pickers list 7A1, 7A2, 7A10, 9A … 13F4."""
    world = build_school_world()
    _add_groups(world)
    expected = ["7A1", "7A2", "7A10", "9A", "9B", "10A", "10B2", "13F4"]
    role_form = RoleAssignForm(organisation=world.school)
    assert [n for n in _labels(role_form.fields["group"]) if n in expected] == expected
    lesson_form = LessonRegisterChoiceForm(groups=Group.objects.filter(organisation=world.school))
    assert [n for n in _labels(lesson_form.fields["group"]) if n in expected] == expected
    figures = FiguresForm(organisation_ids=[world.school.pk])
    figures.fields["group"].queryset = Group.objects.filter(organisation=world.school)
    assert [n for n in _labels(figures.fields["group"]) if n in expected] == expected
    assert list(figures.fields["group"].choices)[0] == ("", "All groups")
