"""Giving and ending roles. Roles are never deleted: ending one keeps the history (and the audit trail)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.models import RoleAssignment
from access.permissions import forget_access
from access.roles import Role

GROUP_ROLES = {Role.TUTOR, Role.PAL}


def role_assign(
    *,
    actor: Any,
    organisation: Any,
    user: Any,
    role: str,
    starts_on: datetime.date,
    year_group: int | None = None,
    group: Any = None,
    site: Any = None,
) -> RoleAssignment:
    """Give a person a role in an organisation, checking its scope makes sense."""
    if role in GROUP_ROLES and group is None:
        raise ValidationError(
            {"group": f"A {Role(role).label.lower()} is given a group (a tutor group or caseload group)."}
        )
    if role == Role.HEAD_OF_YEAR and year_group is None and group is None:
        raise ValidationError(
            {"year_group": "A head of year or house is given a year group (or a house group)."}
        )
    if group is not None and group.organisation_id != organisation.pk:
        raise ValidationError({"group": "That group belongs to another organisation."})
    if site is not None and site.organisation_id != organisation.pk:
        raise ValidationError({"site": "That site belongs to another organisation."})
    assignment = RoleAssignment(
        organisation=organisation,
        user=user,
        role=role,
        starts_on=starts_on,
        year_group=year_group,
        group=group,
        site=site,
    )
    assignment.full_clean()
    with transaction.atomic():
        assignment.save()
    forget_access(user)
    return assignment


def role_end(*, actor: Any, assignment: RoleAssignment, on: datetime.date | None = None) -> RoleAssignment:
    """End a role from a date (today by default); the record stays for the history."""
    on = on or timezone.localdate()
    if on < assignment.starts_on:
        on = assignment.starts_on
    assignment.ends_on = on
    assignment.full_clean()
    assignment.save(update_fields=["ends_on"])
    forget_access(assignment.user)
    return assignment
