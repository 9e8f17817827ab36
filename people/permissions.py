"""Who may do what with people records beyond the spine's own pupil and group rules (access.permissions:
`can_view_pupil`, `can_edit_pupil`, `can_view_group`)."""

from __future__ import annotations

from typing import Any

from access.permissions import can_view_pupil, has_role
from access.roles import Role
from people.models import Pupil

SUBJECT_ACCESS_ROLES = frozenset({Role.DSL, Role.SENIOR_LEADER, Role.SCHOOL_ADMIN})


def can_export_subject_access(user: Any, pupil: Pupil) -> bool:
    """Data-protection requests are answered by the school's administrator, senior leaders or the DSL."""
    return can_view_pupil(user, pupil) and has_role(user, SUBJECT_ACCESS_ROLES, pupil.organisation_id)
