"""Who may do what in attendance: take a register (a tutor for their group, the office for the school), see the
figures, follow a pupil up, take lesson registers. Views fetch through access.permissions.get_for_user with these."""

from __future__ import annotations

from typing import Any

from access.permissions import access_for, grants_in, has_role
from access.roles import Role
from organisations.models import Organisation
from people.models import Group, GroupMembership, Pupil

# Who may do what in attendance (beyond a tutor's own group and a PAL's caseload).
OFFICE_ROLES = frozenset({Role.ATTENDANCE_OFFICER, Role.SCHOOL_ADMIN, Role.SENIOR_LEADER})
FIGURES_ROLES = OFFICE_ROLES | {Role.DSL, Role.DEPUTY_DSL}


def can_take_register(user: Any, group: Group) -> bool:
    """The group's tutor, the PAL whose caseload holds the group, or the attendance office of the school."""
    access = access_for(user)
    if any(g.role in (Role.TUTOR, Role.PAL) and g.group_id == group.pk for g in access.grants):
        return True
    return has_role(user, OFFICE_ROLES, group.organisation_id)


#: The groups that have a session register: form groups, and a college's course groups.
REGISTER_GROUP_KINDS = frozenset({Group.Kind.TUTOR, Group.Kind.COURSE})


def offers_register(user: Any, group: Group) -> bool:
    """Whether a group's page links to its register: a registration group whose register this user takes."""
    return group.kind in REGISTER_GROUP_KINDS and can_take_register(user, group)


#: A head of year sees the figures of their own year group(s) only.
YEAR_FIGURES_ROLES = frozenset({Role.HEAD_OF_YEAR})


def figures_years(user: Any, organisation: Organisation) -> list[int] | None:
    """The year groups the user's attendance figures are limited to: None for the whole school (the office, the
    DSL team), a head of year's own years, or [] for no figures at all."""
    if has_role(user, FIGURES_ROLES, organisation.pk):
        return None
    grants = grants_in(user, organisation.pk, YEAR_FIGURES_ROLES)
    return sorted({g.year_group for g in grants if g.year_group is not None})


def can_see_figures(user: Any, organisation: Organisation) -> bool:
    return figures_years(user, organisation) != []


def is_office(user: Any, organisation_id: int) -> bool:
    return has_role(user, OFFICE_ROLES, organisation_id)


def can_follow_up(user: Any, pupil: Pupil) -> bool:
    """The office, or a PAL whose caseload includes the pupil, may log contacts and send letters."""
    if is_office(user, pupil.organisation_id):
        return True
    pal_groups = [g.group_id for g in access_for(user).grants if g.role == Role.PAL and g.group_id]
    return (
        bool(pal_groups)
        and GroupMembership.objects.current().filter(pupil=pupil, group_id__in=pal_groups).exists()
    )


def can_take_lesson_register(user: Any, group: Group) -> bool:
    """Whoever teaches the group (a tutor role assignment on it: form, course or teaching group), or the office.

    The MIS import brings no timetable, so "who teaches this group" is a tutor role on the group; the office
    (attendance officer, school administrator, senior leader) covers a lesson whose teacher has no role yet.
    """
    return can_take_register(user, group)
