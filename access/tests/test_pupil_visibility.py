"""Who sees which pupils: the spine every other capability stands on."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from access.permissions import can_view_pupil, forget_access, get_for_user, visible_pupils
from access.roles import Role
from core.testing.factories import OrganisationFactory, PupilFactory, RoleFactory
from core.testing.world import shared_world
from organisations.models import Organisation
from people.models import Pupil

pytestmark = pytest.mark.django_db


world = shared_world()


def names(user):
    forget_access(user)
    return sorted(p.legal_first_name for p in visible_pupils(user))


def test_it_shows_a_tutor_only_their_group(world):
    assert names(world.tutor) == ["Alice", "Ben"]


def test_it_shows_a_head_of_year_their_year(world):
    assert names(world.head_of_year9) == ["Alice", "Ben", "Cleo"]
    assert names(world.head_of_year10) == ["Dan"]


def test_it_shows_a_pal_their_caseload_groups(world):
    assert names(world.pal) == ["Alice", "Ben", "Dan"]


def test_it_shows_whole_school_roles_every_pupil_of_their_school_only(world):
    for user in (world.dsl, world.senior, world.admin, world.senco, world.attendance_officer):
        assert names(user) == ["Alice", "Ben", "Cleo", "Dan"]
    assert names(world.outsider) == ["Rory"]


def test_it_shows_a_cpd_coordinator_no_pupils(world):
    assert names(world.cpd_coordinator) == []


def test_it_agrees_between_list_filter_and_object_check(world):
    """can_view_pupil says yes exactly for the pupils visible_pupils lists."""
    for user in (
        world.tutor,
        world.head_of_year9,
        world.head_of_year10,
        world.pal,
        world.dsl,
        world.outsider,
        world.cpd_coordinator,
    ):
        listed = set(visible_pupils(user).values_list("pk", flat=True))
        for pupil in Pupil.objects.all():
            assert can_view_pupil(user, pupil) == (pupil.pk in listed), (user, pupil)


def test_it_answers_404_outside_reach_and_403_inside(world):
    with pytest.raises(Http404):
        get_for_user(world.outsider, Pupil, can_view_pupil, pk=world.alice.pk)
    with pytest.raises(PermissionDenied):
        get_for_user(world.head_of_year10, Pupil, can_view_pupil, pk=world.alice.pk)
    assert get_for_user(world.head_of_year9, Pupil, can_view_pupil, pk=world.alice.pk) == world.alice


def test_it_lets_a_groups_leaders_see_every_member_school():
    group = OrganisationFactory(kind=Organisation.Kind.GROUP, name="Group")
    college_a = OrganisationFactory(kind=Organisation.Kind.COLLEGE, parent=group)
    college_b = OrganisationFactory(kind=Organisation.Kind.COLLEGE, parent=group)
    a = PupilFactory(organisation=college_a)
    b = PupilFactory(organisation=college_b)
    leader = RoleFactory(organisation=group, role=Role.SENIOR_LEADER).user
    local = RoleFactory(organisation=college_a, role=Role.SENIOR_LEADER).user
    assert set(visible_pupils(leader)) == {a, b}
    assert set(visible_pupils(local)) == {a}


def test_it_forgets_ended_roles(world):
    import datetime

    from access.models import RoleAssignment

    RoleAssignment.objects.filter(user=world.tutor).update(
        ends_on=datetime.date(2020, 1, 1), starts_on=datetime.date(2019, 1, 1)
    )
    assert names(world.tutor) == []
