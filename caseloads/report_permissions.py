"""Who may make termly reports to parents and see a batch: the PAL for their caseload, a head of year for their
year, a senior leader for the school (its own school only: reports go to parents). Another organisation's batch
is 404 (`get_for_user`), one outside the user's scope 403."""

from __future__ import annotations

from typing import Any

from access.permissions import access_for
from access.roles import Role
from caseloads.permissions import LEADER_ROLES, can_run_group, caseload_group_ids


def is_leader_of(user: Any, organisation_id: int) -> bool:
    return any(
        g.role in LEADER_ROLES and g.organisation_id == organisation_id for g in access_for(user).grants
    )


def report_years(user: Any, organisation_id: int) -> list[int] | None:
    """The year groups the user may report on: None for every year (a senior leader), else a head of year's."""
    if is_leader_of(user, organisation_id):
        return None
    return sorted(
        {
            g.year_group
            for g in access_for(user).grants
            if g.role == Role.HEAD_OF_YEAR
            and g.organisation_id == organisation_id
            and g.year_group is not None
        }
    )


def can_make_reports(user: Any, organisation: Any) -> bool:
    """Anyone with something to report on in the school: a PAL with a caseload, a head of year, a senior leader."""
    if not getattr(organisation, "is_school_like", False) or organisation.kind == "group":
        return False  # reports are made at a school (a group of schools' leader chooses the school first)
    years = report_years(user, organisation.pk)
    return years is None or bool(years) or bool(caseload_group_ids(user, organisation.pk))


def can_report_on_batch(user: Any, batch: Any) -> bool:
    """A batch (its progress, failures and ZIP): whoever may make reports for what it covers."""
    if is_leader_of(user, batch.organisation_id):
        return True
    if batch.scope == "group":
        return batch.group is not None and can_run_group(user, batch.group)
    if batch.scope == "caseload":
        return batch.pal_id == user.pk and bool(caseload_group_ids(user, batch.organisation_id))
    years = report_years(user, batch.organisation_id)
    return years is not None and batch.year_group in years
