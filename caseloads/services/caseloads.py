"""Caseloads: assigning groups to PALs (a PAL role assignment per group) and the school's caseload settings."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.models import RoleAssignment
from access.permissions import forget_access
from access.roles import Role
from audit.services import record_event
from caseloads.models import CaseloadSettings


def settings_for(organisation: Any) -> CaseloadSettings:
    """The school's settings, or the defaults (15–17 groups, 8 sessions) unsaved."""
    found = CaseloadSettings.objects.filter(organisation=organisation).first()
    return found or CaseloadSettings(organisation=organisation)


def settings_for_schools(organisation_ids: Iterable[int]) -> dict[int, CaseloadSettings]:
    """Each school's settings by organisation id, or the defaults unsaved: one read for every school."""
    ids = list(organisation_ids)
    found = {s.organisation_id: s for s in CaseloadSettings.objects.filter(organisation_id__in=ids)}
    return {oid: found.get(oid) or CaseloadSettings(organisation_id=oid) for oid in ids}


def settings_save(
    *, actor: Any, organisation: Any, min_groups: int, max_groups: int, entitlement: int
) -> CaseloadSettings:
    with transaction.atomic():
        row = settings_for(organisation)
        row.min_groups, row.max_groups, row.entitlement = min_groups, max_groups, entitlement
        row.full_clean()
        row.save()
    return row


def caseload_assign(
    *, actor: Any, organisation: Any, pal: Any, group: Any, on: datetime.date | None = None
) -> Any:
    """Put a group on a PAL's caseload from `on` (today): a PAL role assignment narrowed to the group."""
    on = on or timezone.localdate()
    if group.organisation_id != organisation.pk:
        raise ValidationError({"group": "Choose a group of this school."})
    if (
        not RoleAssignment.objects.current(on)
        .filter(organisation=organisation, user=pal, role=Role.PAL)
        .exists()
    ):
        raise ValidationError({"pal": "This person is not a Pastoral & Attendance Lead here."})
    current = RoleAssignment.objects.current(on).filter(organisation=organisation, role=Role.PAL, group=group)
    if current.filter(user=pal).exists():
        raise ValidationError({"group": f"{group.name} is already on this caseload."})
    with transaction.atomic():
        for other in current.exclude(user=pal):  # a group has one PAL: it moves
            _end(other, on)
        assignment = RoleAssignment(
            organisation=organisation, user=pal, role=Role.PAL, group=group, starts_on=on
        )
        assignment.full_clean()
        assignment.save()
        record_event(action="create", actor=actor, obj=assignment, note=f"{group.name} to {pal.email}")
    forget_access(pal)
    return assignment


def caseload_unassign(*, actor: Any, assignment: RoleAssignment, on: datetime.date | None = None) -> None:
    """Take a group off a PAL's caseload from `on` (today); the assignment's history is kept."""
    on = on or timezone.localdate()
    if assignment.role != Role.PAL or assignment.group_id is None:
        raise ValidationError("Only a caseload group can be taken off a caseload.")
    with transaction.atomic():
        record_event(
            action="update",
            actor=actor,
            obj=assignment,
            note=f"{assignment.group} off the caseload",
        )
        _end(assignment, on)
    forget_access(assignment.user)


def _end(assignment: RoleAssignment, on: datetime.date) -> None:
    """End an assignment the day before `on`; one that starts on or after `on` never applied and goes."""
    if assignment.starts_on >= on:
        assignment.delete()
        return
    assignment.ends_on = on - datetime.timedelta(days=1)
    assignment.full_clean()
    assignment.save(update_fields=["ends_on"])
