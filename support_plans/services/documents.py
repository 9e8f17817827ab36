"""The documents the guidance names beside a plan: the IEP (and other documents), the pupil's Communication
Passport, and the between-reviews checklist of actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.uploads import check_upload
from support_plans.models import CommunicationPassport, PlanAction, PlanDocument, SupportPlan
from support_plans.services._base import require_open


def document_add(
    *, actor: Any, plan: SupportPlan, kind: str, title: str, upload: UploadedFile
) -> PlanDocument:
    """Keep a document beside the plan: allowed types only (checked by name and content), at most 10 MB."""
    require_open(plan)
    checked = check_upload(upload)
    document = PlanDocument(
        organisation_id=plan.organisation_id,
        plan=plan,
        kind=kind,
        title=title.strip(),
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    with transaction.atomic():
        document.file.save(checked.name, upload, save=False)
        document.full_clean()
        document.save()
    return document


def document_delete(*, actor: Any, document: PlanDocument) -> None:
    """Remove a document and its file (the audit log keeps that it was there and who removed it)."""
    require_open(document.plan)
    with transaction.atomic():
        document.delete()
        transaction.on_commit(lambda: document.file.delete(save=False))


def passport_save(
    *,
    actor: Any,
    plan: SupportPlan,
    how_i_communicate: str,
    what_helps: str,
    what_does_not_help: str,
    who_to_talk_to: str,
) -> CommunicationPassport:
    """Write the pupil's Communication Passport (one a pupil, kept from one plan to the next)."""
    require_open(plan)
    with transaction.atomic():
        passport = (
            CommunicationPassport.objects.select_for_update()
            .filter(organisation_id=plan.organisation_id, pupil_id=plan.pupil_id)
            .first()
        )
        passport = passport or CommunicationPassport(
            organisation_id=plan.organisation_id, pupil_id=plan.pupil_id
        )
        passport.how_i_communicate = how_i_communicate.strip()
        passport.what_helps = what_helps.strip()
        passport.what_does_not_help = what_does_not_help.strip()
        passport.who_to_talk_to = who_to_talk_to.strip()
        passport.updated_by = actor
        passport.full_clean()
        passport.save()
    return passport


def action_add(
    *,
    actor: Any,
    plan: SupportPlan,
    description: str,
    owner: Any,
    due_on: datetime.date,
    today: datetime.date | None = None,
) -> PlanAction:
    """Agree an action between reviews, with an owner and a due date (today or later; `today` is the clock)."""
    require_open(plan)
    if due_on < (today or timezone.localdate()):
        raise ValidationError({"due_on": "The due date cannot be in the past."})
    action = PlanAction(
        organisation_id=plan.organisation_id,
        plan=plan,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    action.full_clean()
    action.save()
    return action


def action_done(*, actor: Any, action: PlanAction, done_on: datetime.date | None = None) -> PlanAction:
    """Tick an action off (once)."""
    require_open(action.plan)
    with transaction.atomic():
        action = PlanAction.objects.select_for_update().get(
            organisation_id=action.organisation_id, pk=action.pk
        )
        if action.done_on is not None:
            raise ValidationError("This action is already ticked off.")
        action.done_on, action.done_by = done_on or timezone.localdate(), actor
        action.save(update_fields=["done_on", "done_by"])
    return action
