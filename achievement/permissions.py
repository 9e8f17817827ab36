"""Who may see achievement and import it: grades are seen by whoever may see the pupil."""

from __future__ import annotations

from typing import Any

from access.permissions import can_view_pupil, has_role
from access.roles import PUPIL_ROLES, Role

IMPORT_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.SENIOR_LEADER})
# Roles that read progress against target (a tutor their group, a head of year their year, …).
PROGRESS_ROLES = PUPIL_ROLES


def can_see_progress(user: Any, organisation_id: int) -> bool:
    """Whether the user holds a role that reads progress pages in this organisation."""
    return has_role(user, PROGRESS_ROLES, organisation_id)


def can_view_progress(user: Any, pupil: Any) -> bool:
    """Whether the user may read this pupil's grades and targets."""
    return can_see_progress(user, pupil.organisation_id) and can_view_pupil(user, pupil)


def can_import_achievement(user: Any, organisation: Any) -> bool:
    """Whether the user may upload grades and initial assessments."""
    return has_role(user, IMPORT_ROLES, organisation.pk)
