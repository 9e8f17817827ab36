"""Who may see and write caseload records.

A PAL reads and writes only the students of their caseload's groups; a head of year their year; a senior leader
the school (and reads every member school from a group of schools, but writes only in their own school). Another
organisation's record is 404 (`get_for_user`), one outside the user's scope 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from access.permissions import access_for, has_role
from access.roles import Role

LEADER_ROLES = frozenset({Role.SENIOR_LEADER})
# Who assigns groups to PALs and sets the band, the entitlement, the programme and the review windows.
ASSIGN_ROLES = frozenset({Role.SENIOR_LEADER, Role.SCHOOL_ADMIN})
CASELOAD_ROLES = frozenset({Role.PAL, Role.HEAD_OF_YEAR, Role.SENIOR_LEADER})


def caseload_group_ids(user: Any, organisation_id: int | None = None) -> set[int]:
    """The groups of the user's caseload (their current PAL role assignments with a group)."""
    return {
        g.group_id
        for g in access_for(user).grants
        if g.role == Role.PAL
        and g.group_id
        and (organisation_id is None or g.organisation_id == organisation_id)
    }


def reads_lprs(user: Any, organisation_id: int) -> bool:
    """Whether the user's role reads LPRs in the organisation (PAL, head of year, senior leader): the early-warning
    list shows them the LPR indicators; the DSL team, SENCO and attendance officer do not see those lines."""
    return has_role(user, CASELOAD_ROLES, organisation_id)


def is_pal(user: Any) -> bool:
    return any(g.role == Role.PAL for g in access_for(user).grants)


def can_assign(user: Any, organisation: Any) -> bool:
    """Senior leaders and administrators of the school itself assign caseloads and set the school's rules."""
    return any(
        g.role in ASSIGN_ROLES and g.organisation_id == organisation.pk for g in access_for(user).grants
    )


def can_see_statistics(user: Any, organisation: Any) -> bool:
    """Caseload statistics: a PAL with a caseload, a head of year, a senior leader."""
    return has_role(user, CASELOAD_ROLES, organisation.pk) or bool(caseload_group_ids(user, organisation.pk))


def _in_caseload(user: Any, pupil: Any) -> bool:
    from people.models import GroupMembership

    groups = caseload_group_ids(user, pupil.organisation_id)
    return (
        bool(groups) and GroupMembership.objects.current().filter(pupil=pupil, group_id__in=groups).exists()
    )


def _head_of_year(user: Any, pupil: Any) -> bool:
    return any(
        g.role == Role.HEAD_OF_YEAR
        and g.organisation_id == pupil.organisation_id
        and g.year_group is not None
        and g.year_group == pupil.year_group
        for g in access_for(user).grants
    )


def can_read_student(user: Any, pupil: Any) -> bool:
    """The eLLP: the student's PAL, head of year, or a senior leader of the school or its group of schools."""
    if has_role(user, LEADER_ROLES, pupil.organisation_id):
        return True
    return _head_of_year(user, pupil) or _in_caseload(user, pupil)


def can_write_student(user: Any, pupil: Any) -> bool:
    """Writing about a student: their PAL, head of year, or a senior leader of the school itself."""
    if any(
        g.role in LEADER_ROLES and g.organisation_id == pupil.organisation_id for g in access_for(user).grants
    ):
        return True
    return _head_of_year(user, pupil) or _in_caseload(user, pupil)


def can_read_review(user: Any, review: Any) -> bool:
    return can_read_student(user, review.pupil)


def can_write_review(user: Any, review: Any) -> bool:
    return can_write_student(user, review.pupil)


def can_run_group(user: Any, group: Any) -> bool:
    """Plan and record a group's sessions: the group's PAL, the head of its year, a senior leader of the school."""
    grants = access_for(user).grants
    if any(g.role in LEADER_ROLES and g.organisation_id == group.organisation_id for g in grants):
        return True
    if group.pk in caseload_group_ids(user, group.organisation_id):
        return True
    return group.year_group is not None and any(
        g.role == Role.HEAD_OF_YEAR
        and g.organisation_id == group.organisation_id
        and g.year_group == group.year_group
        for g in grants
    )


def can_read_group(user: Any, group: Any) -> bool:
    if has_role(user, LEADER_ROLES, group.organisation_id):
        return True
    return can_run_group(user, group)


def can_run_session(user: Any, session: Any) -> bool:
    return can_run_group(user, session.group)


def can_read_session(user: Any, session: Any) -> bool:
    return can_read_group(user, session.group)


def can_act_on_caseload_pupil(user: Any, pupil: Any) -> bool:
    """A PAL's register powers for a caseload student (amend a mark, resolve an N), as the office has."""
    from attendance.selectors import is_office

    return is_office(user, pupil.organisation_id) or _in_caseload(user, pupil)


def visible_groups_q(user: Any) -> Q:
    """A Q over Group: the groups whose sessions and LPRs this user reads."""
    access = access_for(user)
    q = Q(pk__in=caseload_group_ids(user))
    for g in access.grants:
        orgs = access.reach.get(g.organisation_id, {g.organisation_id})
        if g.role in LEADER_ROLES:
            q |= Q(organisation_id__in=orgs)
        elif g.role == Role.HEAD_OF_YEAR and g.year_group is not None:
            q |= Q(organisation_id=g.organisation_id, year_group=g.year_group)
    return q


def visible_sessions(user: Any) -> QuerySet:
    from caseloads.models import GroupSession
    from people.models import Group

    return GroupSession.objects.filter(group__in=Group.objects.filter(visible_groups_q(user)).values("pk"))


def visible_reviews(user: Any) -> QuerySet:
    from caseloads.models import Review
    from people.models import Group, GroupMembership

    groups = Group.objects.filter(visible_groups_q(user)).values("pk")
    today = timezone.localdate()
    pupils = GroupMembership.objects.current(today).filter(group__in=groups).values("pupil_id")
    access = access_for(user)
    q = Q(pupil_id__in=pupils)
    for g in access.grants:
        if g.role in LEADER_ROLES:
            q |= Q(organisation_id__in=access.reach.get(g.organisation_id, {g.organisation_id}))
        elif g.role == Role.HEAD_OF_YEAR and g.year_group is not None:
            q |= Q(organisation_id=g.organisation_id, pupil__year_group=g.year_group)
    return Review.objects.filter(q)
