"""The groups list and the home page's "My groups" show groups in natural order (7A1 before 10B2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from access.roles import Role
from core.testing.factories import GroupFactory, GroupMembershipFactory, RoleFactory
from core.testing.personas import build_school_world, client_for

pytestmark = pytest.mark.django_db


def _positions(body: str, names: list[str]) -> list[int]:
    return [body.index(f">{name}<") for name in names]


def test_it_lists_groups_in_natural_order():
    """A senior leader's group list reads 7A1, 9A, 10A, 10B2, 13F4."""
    world = build_school_world()
    for name, year in (("13F4", 13), ("7A1", 7), ("10B2", 10)):
        GroupFactory(organisation=world.school, name=name, year_group=year)
    body = client_for(world.senior).get(reverse("people:group_list")).content.decode()
    positions = _positions(body, ["7A1", "9A", "10A", "10B2", "13F4"])
    assert positions == sorted(positions)


def test_it_shows_my_groups_in_natural_order_on_home():
    """A PAL with 13F4, 10A and 7A1 on the caseload sees them as 7A1, 10A, 13F4."""
    world = build_school_world()
    for name, year in (("13F4", 13), ("7A1", 7)):
        group = GroupFactory(organisation=world.school, name=name, year_group=year)
        RoleFactory(organisation=world.school, user=world.pal, role=Role.PAL, group=group)
    body = client_for(world.pal).get(reverse("home")).content.decode()
    section = body[body.index('id="my-groups-h"') :]
    positions = [section.index(name) for name in ("7A1", "10A", "13F4")]
    assert positions == sorted(positions)
    lead = body[body.index("You are signed in as") : body.index('id="my-groups-h"')]
    assert "Pastoral &amp; Attendance Lead for 7A1, 9A, 10A and 13F4 (" in lead


def test_it_lists_a_groups_pupils_and_the_pupil_search_by_the_forename_shown():
    """'Stewart, George' before 'Stewart, Tommy' (legally Alexander), and 'de Souza' among the S's, on the group's
    page and in the pupil list: each sorted as it reads."""
    world = build_school_world()
    group = GroupFactory(organisation=world.school, name="8Z", year_group=8)
    for legal_first, preferred, last in (
        ("Alexander", "Tommy", "Stewart"),
        ("George", "", "Stewart"),
        ("Ana", "", "de Souza"),
        ("Zed", "", "Smith"),
    ):
        GroupMembershipFactory(
            group=group,
            pupil__legal_first_name=legal_first,
            pupil__preferred_first_name=preferred,
            pupil__legal_last_name=last,
            pupil__year_group=8,
        )
    for url in (reverse("people:group_detail", args=[group.pk]), reverse("people:pupil_list") + "?year=8"):
        body = client_for(world.senior).get(url).content.decode()
        positions = _positions(body, ["de Souza, Ana", "Smith, Zed", "Stewart, George", "Stewart, Tommy"])
        assert positions == sorted(positions), url
