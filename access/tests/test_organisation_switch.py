"""The header's organisation switch: a leader of a group of schools can work in each school or site it reaches."""

from __future__ import annotations

import pytest
from django.urls import reverse

from access.roles import Role
from core.testing.factories import OrganisationFactory, RoleFactory
from core.testing.personas import client_for
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _group_and_leader():
    group = OrganisationFactory(kind=Organisation.Kind.GROUP, name="Vale College Group")
    gloucester = OrganisationFactory(
        kind=Organisation.Kind.COLLEGE, parent=group, name="Vale College Gloucester"
    )
    stroud = OrganisationFactory(kind=Organisation.Kind.COLLEGE, parent=group, name="Vale College Stroud")
    elsewhere = OrganisationFactory(kind=Organisation.Kind.COLLEGE, name="Another College")
    leader = RoleFactory(organisation=group, role=Role.SENIOR_LEADER).user
    return group, gloucester, stroud, elsewhere, leader


def test_it_offers_a_group_leader_the_group_and_each_member_site():
    group, gloucester, stroud, elsewhere, leader = _group_and_leader()
    client = client_for(leader)
    body = client.get(reverse("home")).content.decode()
    assert 'id="org-switch-select"' in body
    for org in (group, gloucester, stroud):
        assert f'value="{org.pk}"' in body
    assert f'value="{elsewhere.pk}"' not in body
    assert f'value="{group.pk}" selected' in body  # the group, where the role is held, until they switch


def test_it_lets_a_group_leader_work_in_a_member_site_and_nowhere_else():
    group, gloucester, stroud, elsewhere, leader = _group_and_leader()
    client = client_for(leader)
    assert client.post(reverse("organisations:switch"), {"organisation": gloucester.pk}).status_code == 302
    assert f'value="{gloucester.pk}" selected' in client.get(reverse("home")).content.decode()
    assert client.post(reverse("organisations:switch"), {"organisation": elsewhere.pk}).status_code == 404


def test_it_shows_no_switch_to_someone_in_one_school():
    _, gloucester, *_ = _group_and_leader()
    tutor = RoleFactory(organisation=gloucester, role=Role.TUTOR).user
    assert 'id="org-switch-select"' not in client_for(tutor).get(reverse("home")).content.decode()
