"""Who may see a Pastoral Support Programme: its coordinator, the pupil's head of year, senior leaders,
the SENCO and the DSL. A head of another year is refused (403); another school's user never finds it (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from access.permissions import (
    Grant,
    grants_in,
    grants_q,
    has_role,
    organisations_with_role,
    reachable_organisation_ids,
)
from access.roles import Role

PLAN_WHOLE_SCHOOL_ROLES = frozenset({Role.SENIOR_LEADER, Role.SENCO, Role.DSL, Role.DEPUTY_DSL})
OPEN_PLAN_ROLES = PLAN_WHOLE_SCHOOL_ROLES | {Role.HEAD_OF_YEAR}
SETTINGS_ROLES = frozenset({Role.SENIOR_LEADER, Role.SCHOOL_ADMIN})
STAFF_PARTY_KINDS = ("staff", "senco")  # `Party.Kind`: the school's own people on a plan


def _plan_grant_q(grant: Grant, organisation_ids: set[int]) -> Q | None:
    if grant.role in PLAN_WHOLE_SCHOOL_ROLES:
        return Q(organisation_id__in=organisation_ids)
    if grant.role == Role.HEAD_OF_YEAR and grant.year_group is not None:
        return Q(organisation_id__in=organisation_ids, pupil__year_group=grant.year_group)
    return None


def visible_plans(user: Any) -> QuerySet:
    from support_plans.models import SupportPlan

    coordinated = Q(coordinator_id=getattr(user, "pk", None)) & Q(
        organisation_id__in=reachable_organisation_ids(user)
    )
    return SupportPlan.objects.filter(coordinated | grants_q(user, _plan_grant_q))


def _leads(user: Any, pupil: Any) -> bool:
    """Whether the user sees every plan of the pupil's school, or leads the pupil's year there."""
    if pupil.organisation_id in organisations_with_role(user, PLAN_WHOLE_SCHOOL_ROLES):
        return True
    return any(
        g.year_group == pupil.year_group for g in grants_in(user, pupil.organisation_id, Role.HEAD_OF_YEAR)
    )


def can_view_plan(user: Any, plan: Any) -> bool:
    if plan.organisation_id not in reachable_organisation_ids(user):
        return False
    if plan.coordinator_id == getattr(user, "pk", None):
        return True
    return plan.organisation_id in organisations_with_role(user, PLAN_WHOLE_SCHOOL_ROLES) or any(
        g.year_group is not None and g.year_group == plan.pupil.year_group
        for g in grants_in(user, plan.organisation_id, Role.HEAD_OF_YEAR)
    )


def can_read_plan(user: Any, plan: Any) -> bool:
    """Those who may work on a plan, and the staff named on it as parties (a form tutor as key member of staff):
    every party has a copy of the plan they agreed, so they read it, its targets and its printout, and change
    nothing."""
    if can_view_plan(user, plan):
        return True
    if plan.organisation_id not in reachable_organisation_ids(user):
        return False
    return plan.parties.filter(
        organisation_id=plan.organisation_id, user_id=getattr(user, "pk", None), kind__in=STAFF_PARTY_KINDS
    ).exists()


def can_edit_plan(user: Any, plan: Any) -> bool:
    """Those who may see a plan work on it; a closed plan is read-only."""
    return can_view_plan(user, plan) and plan.is_open


def can_open_plan(user: Any, pupil: Any) -> bool:
    return _leads(user, pupil)


def can_edit_settings(user: Any, organisation: Any) -> bool:
    return has_role(user, SETTINGS_ROLES, organisation.pk)
