from __future__ import annotations

from typing import Any

from access.permissions import has_role, organisations_with_role
from access.roles import AUDIT_ROLES


def can_edit_settings(user: Any, organisation: Any) -> bool:
    """Whether the user may set how long the organisation's audit events are kept (those who read its log)."""
    return has_role(user, AUDIT_ROLES, organisation.pk)


def audit_organisation_ids(user: Any) -> set[int]:
    """Organisations whose audit log this user may read."""
    return organisations_with_role(user, AUDIT_ROLES)
