"""Administrators give and end roles; nobody else can, and another school's records are out of reach."""

from __future__ import annotations

import pytest
from django.urls import reverse

from access.models import RoleAssignment
from access.permissions import visible_pupils
from audit.models import AuditEvent
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from people.models import StaffMember

pytestmark = pytest.mark.django_db


world = shared_world()


def staff_of(world, user):
    return StaffMember.objects.get(organisation=world.school, user=user)


def test_it_lists_staff_with_their_roles_for_the_administrator(world):
    body = client_for(world.admin).get(reverse("access:staff_list")).content.decode()
    assert "Tess" in body and "Form / course tutor" in body and "Olive" not in body


def test_it_refuses_the_staff_list_to_a_tutor(world):
    assert client_for(world.tutor).get(reverse("access:staff_list")).status_code == 403


def test_it_gives_a_tutor_a_second_group_and_the_pupils_follow(world):
    url = reverse("access:role_add", args=[staff_of(world, world.tutor).pk])
    response = client_for(world.admin).post(
        url, {"role": "tutor", "group": world.group_9b.pk, "starts_on": "2026-09-01"}
    )
    assert response.status_code == 302
    from access.permissions import forget_access

    forget_access(world.tutor)
    assert world.cleo in visible_pupils(world.tutor)
    assert AuditEvent.objects.filter(action="create", object_type="access.RoleAssignment").exists()


def test_it_explains_a_tutor_role_without_a_group(world):
    url = reverse("access:role_add", args=[staff_of(world, world.senco).pk])
    response = client_for(world.admin).post(url, {"role": "tutor", "starts_on": "2026-09-01"})
    assert response.status_code == 200
    assert "is given a group" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=world.senco, role="tutor").exists()


def test_it_ends_a_role_but_keeps_its_history(world):
    assignment = RoleAssignment.objects.get(user=world.tutor)
    response = client_for(world.admin).post(reverse("access:role_end", args=[assignment.pk]))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on is not None


def test_it_refuses_role_changes_to_a_senior_leader_with_403(world):
    assignment = RoleAssignment.objects.get(user=world.tutor)
    assert client_for(world.senior).post(reverse("access:role_end", args=[assignment.pk])).status_code == 403
    assert (
        client_for(world.senior)
        .get(reverse("access:role_add", args=[staff_of(world, world.tutor).pk]))
        .status_code
        == 403
    )


@outsider_test("access:role_add", "access:role_end")
def test_it_hides_staff_and_roles_from_another_school(world):
    client = client_for(world.other_admin)
    assert_outsider_404(client, reverse("access:role_add", args=[staff_of(world, world.tutor).pk]))
    assignment = RoleAssignment.objects.get(user=world.tutor)
    assert_outsider_404(client, reverse("access:role_end", args=[assignment.pk]), method="post")
    assignment.refresh_from_db()
    assert assignment.ends_on is None
