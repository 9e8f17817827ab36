"""Who reads the statistics of achievement and concern (a PAL their caseload, a head of year their year, senior
leaders the school, a group of schools' leaders every member) and who asks for the governors' termly report."""

from __future__ import annotations

from typing import Any

from access.permissions import grants_in, has_role, organisations_with_role
from access.roles import WHOLE_ORGANISATION_ROLES, Role

DASHBOARD_ROLES = frozenset({Role.PAL, Role.HEAD_OF_YEAR, Role.SENIOR_LEADER})
REPORT_ROLES = frozenset({Role.SENIOR_LEADER})


def can_read_dashboard(user: Any, organisation_id: int) -> bool:
    """Whether the user holds a role that reads the dashboard in this organisation (or its group)."""
    return has_role(user, DASHBOARD_ROLES, organisation_id)


def sees_whole_school(user: Any, organisation_id: int) -> bool:
    """A senior leader of the school, or of a group of schools it belongs to (every pupil, every year)."""
    return organisation_id in organisations_with_role(user, {Role.SENIOR_LEADER})


def sees_whole_year(user: Any, organisation_id: int, year_group: int) -> bool:
    """Whether the user may read a whole year of this school: a senior leader, or its head of year."""
    if sees_whole_school(user, organisation_id):
        return True
    return any(
        g.year_group == year_group and not g.group_id
        for g in grants_in(user, organisation_id, {Role.HEAD_OF_YEAR})
    )


def whole_organisation_reader(user: Any, organisation_id: int) -> bool:
    """Any whole-school role (for the group picker: they may narrow to any group they can see)."""
    return has_role(user, WHOLE_ORGANISATION_ROLES, organisation_id)


def can_request_report(user: Any, organisation_id: int) -> bool:
    """Whether the user may make and download the school's governors' termly report."""
    return organisation_id in organisations_with_role(user, REPORT_ROLES)


def can_view_report(user: Any, report: Any) -> bool:
    return can_request_report(user, report.organisation_id)
