"""A group of schools' leaders see every member school's list; a member school's leader sees only their own."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from access.roles import Role
from core.testing.clock import fixed_clock
from core.testing.factories import OrganisationFactory, PupilFactory, RoleFactory, UserFactory
from core.testing.personas import client_for
from early_warning.tests.helpers import AT, sessions

pytestmark = pytest.mark.django_db


def test_it_lists_every_member_school_for_the_group_and_one_for_a_member(monkeypatch):
    fixed_clock(monkeypatch, AT)
    trust = OrganisationFactory(name="Vale Trust", slug="vale", kind="group")
    north = OrganisationFactory(name="North School", slug="north", parent=trust)
    south = OrganisationFactory(name="South School", slug="south", parent=trust)
    pupils = {}
    for school in (north, south):
        pupil = PupilFactory(organisation=school, legal_first_name=f"{school.name.split()[0]}kid")
        sessions(pupil, datetime.date(2026, 11, 16), ["/"] * 10 + ["I"] * 10)  # 50% absent: 3 + 2 + 4 = 9
        pupils[school.slug] = pupil
    leader, head = UserFactory(), UserFactory()
    RoleFactory(organisation=trust, user=leader, role=Role.SENIOR_LEADER)
    RoleFactory(organisation=north, user=head, role=Role.SENIOR_LEADER)
    response = client_for(leader).get(reverse("early_warning:list"))
    assert {(e.pupil.first_name, e.pupil.organisation.name) for e in response.context["page_obj"]} == {
        ("Northkid", "North School"),
        ("Southkid", "South School"),
    }
    assert '<th scope="col">School</th>' in response.content.decode()
    only_north = client_for(head).get(reverse("early_warning:list"))
    assert [e.pupil.first_name for e in only_north.context["page_obj"]] == ["Northkid"]
    assert client_for(head).get(reverse("early_warning:pupil", args=[pupils["south"].pk])).status_code == 404
    assert (
        client_for(leader).get(reverse("early_warning:pupil", args=[pupils["south"].pk])).status_code == 200
    )


def test_a_group_leader_is_pointed_to_a_school_for_its_thresholds_and_a_head_is_linked_to_them(monkeypatch):
    fixed_clock(monkeypatch, AT)
    trust = OrganisationFactory(name="Vale Trust", slug="vale", kind="group")
    north = OrganisationFactory(name="North School", slug="north", parent=trust)
    leader, head = UserFactory(), UserFactory()
    RoleFactory(organisation=trust, user=leader, role=Role.SENIOR_LEADER)
    RoleFactory(organisation=north, user=head, role=Role.SENIOR_LEADER)
    settings_link = f'href="{reverse("early_warning:settings")}"'
    group_page = client_for(leader).get(reverse("early_warning:list")).content.decode()
    assert settings_link not in group_page
    assert "Each school sets its own thresholds and weights: switch to the school" in group_page
    school_page = client_for(head).get(reverse("early_warning:list")).content.decode()
    assert settings_link in school_page and "switch to the school" not in school_page
