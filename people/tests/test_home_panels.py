"""The home page's people panels: the organisation tile counts the groups registers are taken for (a school's
tutor groups; a college's courses and tutor groups: a college whose groups were all courses showed "0 tutor
groups"), and "My groups" says a role once when every group is held in it (a college PAL's sixteen groups each
said "(Pastoral & Attendance Lead)")."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from access.roles import Role
from core.testing.factories import GroupFactory, OrganisationFactory, RoleFactory
from core.testing.personas import build_school_world, client_for
from organisations.models import Organisation
from people.models import Group

pytestmark = pytest.mark.django_db


def _tile(organisation: Organisation) -> str:
    for kind in (
        Group.Kind.COURSE,
        Group.Kind.COURSE,
        Group.Kind.TUTOR,
        Group.Kind.TEACHING,
        Group.Kind.YEAR,
    ):
        GroupFactory(organisation=organisation, kind=kind)
    leader = RoleFactory(organisation=organisation, role=Role.SENIOR_LEADER).user
    body = client_for(leader).get(reverse("home")).content.decode()
    section = body[body.index('id="overview-h"') :].split("</section>")[0]
    return " ".join(strip_tags(section.replace("<", " <")).split()) + " "


def test_it_counts_a_colleges_courses_and_tutor_groups():
    college = OrganisationFactory(
        kind=Organisation.Kind.COLLEGE, phase=Organisation.Phase.FURTHER, name="Severn Vale College"
    )
    assert " 3 courses and tutor groups " in _tile(college)


def test_it_counts_only_a_schools_tutor_groups():
    assert " 1 tutor group " in _tile(OrganisationFactory(name="Oakfield School"))


def _my_groups(user) -> str:  # noqa: ANN001
    body = client_for(user).get(reverse("home")).content.decode()
    return body[body.index('id="my-groups-h"') :].split("</section>")[0]


def test_it_names_a_pals_role_once_for_all_their_groups():
    world = build_school_world()
    RoleFactory(organisation=world.school, user=world.pal, role=Role.PAL, group=world.group_9b)
    section = _my_groups(world.pal)
    assert "as Pastoral &amp; Attendance Lead." in section
    assert "(Pastoral" not in section


def test_it_names_each_groups_role_when_they_differ():
    world = build_school_world()
    RoleFactory(organisation=world.school, user=world.pal, role=Role.TUTOR, group=world.group_9b)
    section = _my_groups(world.pal)
    assert "(Form / course tutor)" in section and "(Pastoral &amp; Attendance Lead)" in section
    assert ", as " not in section
