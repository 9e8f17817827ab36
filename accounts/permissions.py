"""Who may see whose sign-in attempts: everyone their own; a school administrator their organisation's people."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from access.models import RoleAssignment
from access.permissions import has_role, reachable_organisation_ids
from access.roles import Role

SIGN_IN_WATCHERS = frozenset({Role.SCHOOL_ADMIN})


def can_watch_sign_ins(user: Any, organisation: Any) -> bool:
    """Whether the user may see the organisation's accounts under attack."""
    return has_role(user, SIGN_IN_WATCHERS, organisation.pk)


def visible_accounts(user: Any) -> Q:
    """A Q over User: the people holding a current role in an organisation the user reaches."""
    reach = reachable_organisation_ids(user)
    return Q(pk__in=RoleAssignment.objects.current().filter(organisation_id__in=reach).values("user_id"))


def can_view_sign_ins_of(user: Any, account: Any) -> bool:
    """Whether the user may see this person's sign-in attempts: a school administrator where they hold a role."""
    organisation_ids = (
        RoleAssignment.objects.current().filter(user=account).values_list("organisation_id", flat=True)
    )
    return any(has_role(user, SIGN_IN_WATCHERS, organisation_id) for organisation_id in set(organisation_ids))
