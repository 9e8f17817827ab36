"""Who may see a Pastoral Support Programme: its coordinator, the pupil's head of year, senior leaders,
the SENCO and the DSL. A head of another year is refused (403); another school's user never finds it (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from access.permissions import access_for, has_role
from access.roles import Role

PLAN_WHOLE_SCHOOL_ROLES = frozenset({Role.SENIOR_LEADER, Role.SENCO, Role.DSL, Role.DEPUTY_DSL})
OPEN_PLAN_ROLES = PLAN_WHOLE_SCHOOL_ROLES | {Role.HEAD_OF_YEAR}
SETTINGS_ROLES = frozenset({Role.SENIOR_LEADER, Role.SCHOOL_ADMIN})


def visible_plans(user: Any) -> QuerySet:
    from support_plans.models import SupportPlan

    access = access_for(user)
    q = Q(coordinator_id=getattr(user, "pk", None)) & Q(organisation_id__in=access.organisation_ids)
    for grant in access.grants:
        orgs = access.reach.get(grant.organisation_id, {grant.organisation_id})
        if grant.role in PLAN_WHOLE_SCHOOL_ROLES:
            q |= Q(organisation_id__in=orgs)
        elif grant.role == Role.HEAD_OF_YEAR and grant.year_group is not None:
            q |= Q(organisation_id__in=orgs, pupil__year_group=grant.year_group)
    return SupportPlan.objects.filter(q)


def can_view_plan(user: Any, plan: Any) -> bool:
    access = access_for(user)
    if plan.organisation_id not in access.organisation_ids:
        return False
    if plan.coordinator_id == getattr(user, "pk", None):
        return True
    for grant in access.grants:
        if plan.organisation_id not in access.reach.get(grant.organisation_id, set()):
            continue
        if grant.role in PLAN_WHOLE_SCHOOL_ROLES:
            return True
        if (
            grant.role == Role.HEAD_OF_YEAR
            and grant.year_group is not None
            and grant.year_group == plan.pupil.year_group
        ):
            return True
    return False


def can_edit_plan(user: Any, plan: Any) -> bool:
    """Those who may see a plan work on it; a closed plan is read-only."""
    return can_view_plan(user, plan) and plan.is_open


def can_open_plan(user: Any, pupil: Any) -> bool:
    access = access_for(user)
    for grant in access.grants:
        if pupil.organisation_id not in access.reach.get(grant.organisation_id, set()):
            continue
        if grant.role in PLAN_WHOLE_SCHOOL_ROLES:
            return True
        if grant.role == Role.HEAD_OF_YEAR and grant.year_group == pupil.year_group:
            return True
    return False


def can_edit_settings(user: Any, organisation: Any) -> bool:
    return has_role(user, SETTINGS_ROLES, organisation.pk)
