"""Who reads the early-warning list (a PAL their caseload, a head of year their year, senior leaders and the
DSL team the school, group leaders every member school) and who sets its thresholds."""

from __future__ import annotations

from typing import Any

from access.permissions import can_view_pupil, has_role
from access.roles import Role

LIST_ROLES = frozenset(
    {
        Role.PAL,
        Role.HEAD_OF_YEAR,
        Role.SENIOR_LEADER,
        Role.DSL,
        Role.DEPUTY_DSL,
        Role.SENCO,
        Role.ATTENDANCE_OFFICER,
    }
)
SETTINGS_ROLES = frozenset({Role.SENIOR_LEADER})
# Who imports pupil premium, FSM, young carer and SEN status (as achievement's grades).
IMPORT_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.SENIOR_LEADER})


def can_read_list(user: Any, organisation_id: int) -> bool:
    """Whether the user holds a role that reads the early-warning list in this organisation."""
    return has_role(user, LIST_ROLES, organisation_id)


def can_view_warning(user: Any, pupil: Any) -> bool:
    """Whether the user may open this student's explanation and mark them reviewed."""
    return can_read_list(user, pupil.organisation_id) and can_view_pupil(user, pupil)


def can_change_settings(user: Any, organisation_id: int) -> bool:
    """Whether the user may change the school's thresholds and weights."""
    return has_role(user, SETTINGS_ROLES, organisation_id)
