"""The home page's organisation tile counts the staff: a group of schools showed "1 staff" (its own central team's
one row, none of its member schools' staff); now a group counts its own staff and its member schools', each person
once, and says so (its staff page lists its central team only); a school its own; one person reads "1 member of
staff"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from core.testing.factories import StaffMemberFactory
from core.testing.personas import build_group_of_schools, client_for

pytestmark = pytest.mark.django_db


def _tile(user) -> str:  # noqa: ANN001
    body = client_for(user).get(reverse("home")).content.decode()
    section = body[body.index('id="overview-h"') :].split("</section>")[0]
    return " ".join(strip_tags(section.replace("<", " <")).split()) + " "


def _vale():
    """Vale Trust (one central member of staff, the leader) with North (3 staff, one of them also at South, and one
    who has left) and South (2 staff)."""
    vale = build_group_of_schools("North School", "South School")
    north, south = vale.schools
    StaffMemberFactory(organisation=vale.trust, user=vale.leader)
    StaffMemberFactory(organisation=north, user=vale.head)
    both = StaffMemberFactory(organisation=north).user
    StaffMemberFactory(organisation=north, is_active=False)
    StaffMemberFactory(organisation=south, user=both)
    StaffMemberFactory(organisation=south)
    return vale


def test_it_counts_a_groups_own_staff_and_its_member_schools_each_person_once():
    """1 central + North's 2 active + South's 1 not already counted = 4."""
    vale = _vale()
    assert " 4 staff in the group and its schools " in _tile(vale.leader)


def test_it_counts_only_a_schools_own_active_staff():
    """North's head: the head and the colleague who also works at South; not the one who has left."""
    vale = _vale()
    assert " 2 staff " in _tile(vale.head)


def test_it_says_one_member_of_staff():
    """A group whose only staff is its leader."""
    vale = build_group_of_schools("North School")
    StaffMemberFactory(organisation=vale.trust, user=vale.leader)
    tile = _tile(vale.leader)
    assert " 1 member of staff in the group and its schools " in tile and " 1 staff " not in tile
