"""Passports (the school's checklists) and their items, a student's completed items with evidence, and a
student's progression targets and destination. Validated, one transaction each, audited (the models are tracked)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from caseloads.models import Passport, PassportCompletion, PassportItem, Progression
from caseloads.permissions_coaching import can_manage_passports, can_write_student


def _saved(row: Any) -> Any:
    row.full_clean()
    with transaction.atomic():
        row.save()
    return row


def passport_save(
    *,
    actor: Any,
    organisation: Any,
    name: str,
    description: str = "",
    active: bool = True,
    passport: Passport | None = None,
) -> Passport:
    """Add a passport to the school's list, or rename / retire one."""
    if not can_manage_passports(actor, organisation):
        raise PermissionDenied("Only the school's senior leaders set its passports.")
    row = passport or Passport(organisation=organisation)
    if row.organisation_id != organisation.pk:
        raise PermissionDenied("That passport belongs to another school.")
    row.name, row.description, row.active = name.strip(), description.strip(), active
    if Passport.objects.filter(organisation=organisation, name__iexact=row.name).exclude(pk=row.pk).exists():
        raise ValidationError({"name": "The school already has a passport of that name."})
    return _saved(row)


def passport_item_add(*, actor: Any, passport: Passport, title: str) -> PassportItem:
    """Add an item at the end of a passport's checklist."""
    if not can_manage_passports(actor, passport.organisation):
        raise PermissionDenied("Only the school's senior leaders set its passports.")
    title = title.strip()
    if passport.items.filter(title__iexact=title).exists():
        raise ValidationError({"title": "This passport already has that item."})
    last = passport.items.aggregate(m=Max("position"))["m"]
    item = PassportItem(
        organisation_id=passport.organisation_id,
        passport=passport,
        title=title,
        position=(last or 0) + 1,
    )
    return _saved(item)


def passport_item_complete(
    *, actor: Any, item: PassportItem, pupil: Any, completed_on: datetime.date, evidence: str = ""
) -> PassportCompletion:
    """Record that a student completed an item (or correct its date and evidence)."""
    if not can_write_student(actor, pupil):
        raise PermissionDenied("You may not record passports for this student.")
    if item.organisation_id != pupil.organisation_id:
        raise ValidationError({"item": "Choose one of the school's passport items."})
    row = PassportCompletion.objects.filter(
        organisation_id=pupil.organisation_id, item=item, pupil=pupil
    ).first() or PassportCompletion(organisation_id=pupil.organisation_id, item=item, pupil=pupil)
    row.completed_on, row.evidence, row.recorded_by = completed_on, evidence.strip(), actor
    return _saved(row)


def passport_item_uncomplete(*, actor: Any, completion: PassportCompletion) -> None:
    """Take back an item recorded by mistake (the deletion is audited)."""
    if not can_write_student(actor, completion.pupil):
        raise PermissionDenied("You may not record passports for this student.")
    with transaction.atomic():
        completion.delete()


def progression_save(
    *,
    actor: Any,
    pupil: Any,
    targets: str = "",
    destination: str = "",
    destination_status: str = "",
) -> Progression:
    """Set a student's progression targets and destination (intended or confirmed)."""
    if not can_write_student(actor, pupil):
        raise PermissionDenied("You may not record progression for this student.")
    row = Progression.objects.filter(
        organisation_id=pupil.organisation_id, pupil=pupil
    ).first() or Progression(organisation_id=pupil.organisation_id, pupil=pupil)
    row.targets, row.destination = targets.strip(), destination.strip()
    row.destination_status, row.updated_by = destination_status, actor
    return _saved(row)
