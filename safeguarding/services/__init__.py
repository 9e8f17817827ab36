"""Writing safeguarding records. Each write is one transaction and audited (the models are tracked); nothing here
changes or removes a saved record: corrections are new records linked to the ones they correct."""

from __future__ import annotations

import datetime
from typing import Any, NotRequired, TypedDict, TypeVar, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from core.uploads import CheckedUpload
from safeguarding import permissions
from safeguarding.models import (
    Action,
    ActionDone,
    ChronologyEntry,
    Concern,
    ConcernAttachment,
    ConcernLink,
    Decision,
    ProtectionStatus,
    SafeguardingSettings,
)
from safeguarding.uploads import checked_upload

M = TypeVar("M", bound=Model)


def _created(row: M, exclude: list[str] | None = None) -> M:
    """Validate a new record and save it in one transaction (the audit event is written in the same one)."""
    row.full_clean(exclude=exclude)
    with transaction.atomic():
        row.save()
    return row


CONCERN_FIELDS = ("happened_at", "location", "category", "seen_or_heard", "child_words", "others_present")


def concern_log(
    *,
    actor: Any,
    pupil: Any,
    category: str,
    happened_at: datetime.datetime,
    location: str,
    seen_or_heard: str,
    child_words: str = "",
    others_present: str = "",
    attachment: UploadedFile | None = None,
    corrects: Concern | None = None,
    correction_reason: str = "",
    now: datetime.datetime | None = None,
) -> Concern:
    """Log a concern (or a correction of one) with its attachment, in one transaction."""
    if not permissions.can_log_concern(actor, pupil) and corrects is None:
        raise PermissionDenied("You may not log a concern about this pupil.")
    concern = Concern(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        logged_by=actor,
        logged_at=now or timezone.now(),
        corrects=corrects,
        correction_reason=correction_reason.strip(),
        category=category,
        happened_at=happened_at,
        location=location,
        seen_or_heard=seen_or_heard,
        child_words=child_words,
        others_present=others_present,
    )
    if corrects is not None and not concern.correction_reason:
        raise ValidationError({"correction_reason": "Say what this corrects, and why."})
    concern.full_clean()
    checked = checked_upload(attachment) if attachment is not None else None
    with transaction.atomic():
        concern.save()
        if attachment is not None and checked is not None:
            _attach(actor=actor, concern=concern, upload=attachment, checked=checked)
    return concern


def _attach(*, actor: Any, concern: Concern, upload: UploadedFile, checked: CheckedUpload) -> None:
    row = ConcernAttachment(
        organisation_id=concern.organisation_id,
        concern=concern,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    row.file.save(checked.name, upload, save=False)
    row.save()


class ConcernFields(TypedDict):
    """What a member of staff writes in a concern (the form's fields), for a correction to pass on as typed."""

    category: str
    happened_at: datetime.datetime
    location: str
    seen_or_heard: str
    child_words: NotRequired[str]
    others_present: NotRequired[str]


def concern_correct(
    *, actor: Any, concern: Concern, correction_reason: str, **fields: Unpack[ConcernFields]
) -> Concern:
    """Record a correction of a concern: a new concern linked to it; the original stays as it was."""
    if not permissions.can_correct_concern(actor, concern):
        raise PermissionDenied("You may not correct this concern.")
    return concern_log(
        actor=actor, pupil=concern.pupil, corrects=concern, correction_reason=correction_reason, **fields
    )


def decision_record(
    *,
    actor: Any,
    concern: Concern,
    outcome: str,
    reason: str,
    corrects: Decision | None = None,
    now: datetime.datetime | None = None,
) -> Decision:
    """Record the DSL team's decision on a concern and the reason for it (or a correction of a decision)."""
    if not permissions.can_triage(actor, concern):
        raise PermissionDenied("Only the DSL team decides on a concern.")
    if corrects is not None and corrects.concern_id != concern.pk:
        raise ValidationError("A correction must be about the same concern.")
    decision = Decision(
        organisation_id=concern.organisation_id,
        concern=concern,
        outcome=outcome,
        reason=reason.strip(),
        decided_by=actor,
        decided_at=now or timezone.now(),
        corrects=corrects,
    )
    return _created(decision)


def action_add(
    *, actor: Any, concern: Concern, description: str, owner: Any, due_on: datetime.date
) -> Action:
    """Give someone an action on a concern, with a due date."""
    if not permissions.can_triage(actor, concern):
        raise PermissionDenied("Only the DSL team sets actions on a concern.")
    action = Action(
        organisation_id=concern.organisation_id,
        concern=concern,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    return _created(action)


def action_done(*, actor: Any, action: Action, done_on: datetime.date, note: str) -> ActionDone:
    """Record that an action was done and what came of it (once; the action itself is never changed)."""
    if not permissions.can_triage(actor, action.concern):
        raise PermissionDenied("Only the DSL team records an action as done.")
    if ActionDone.objects.filter(action=action).exists():
        raise ValidationError("This action is already recorded as done.")
    done = ActionDone(
        organisation_id=action.organisation_id,
        action=action,
        done_on=done_on,
        note=note.strip(),
        recorded_by=actor,
    )
    return _created(done, exclude=["action"])  # the one-to-one is checked just above, with a clearer message


def concern_link(*, actor: Any, concern: Concern, linked: Concern, reason: str) -> ConcernLink:
    """Link a concern to one about another child (siblings, the same incident); both must be within the actor's
    reach."""
    if not (permissions.can_triage(actor, concern) and permissions.can_triage(actor, linked)):
        raise PermissionDenied("Only the DSL team for both children links their concerns.")
    if linked.pk == concern.pk:
        raise ValidationError({"linked": "A concern cannot be linked to itself."})
    if ConcernLink.objects.filter(concern__in=[concern, linked], linked__in=[concern, linked]).exists():
        raise ValidationError({"linked": "These concerns are already linked."})
    link = ConcernLink(
        organisation_id=concern.organisation_id,
        concern=concern,
        linked=linked,
        reason=reason,
        created_by=actor,
    )
    return _created(link)


def entry_add(
    *,
    actor: Any,
    pupil: Any,
    kind: str,
    occurred_on: datetime.date,
    summary: str,
    corrects: ChronologyEntry | None = None,
) -> ChronologyEntry:
    """Add a contact, discussion, meeting or note to a child's chronology (or a correction of one)."""
    if not permissions.can_view_file(actor, pupil):
        raise PermissionDenied("Only the DSL team writes on the chronology.")
    if corrects is not None and corrects.pupil_id != pupil.pk:
        raise ValidationError("A correction must be about the same child.")
    entry = ChronologyEntry(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        kind=kind,
        occurred_on=occurred_on,
        summary=summary.strip(),
        recorded_by=actor,
        corrects=corrects,
    )
    return _created(entry)


def status_set(
    *, actor: Any, pupil: Any, status: str, starts_on: datetime.date, note: str = ""
) -> ProtectionStatus:
    """Record a child's child protection status from a date (the history keeps every earlier status)."""
    if not permissions.can_view_file(actor, pupil):
        raise PermissionDenied("Only the DSL team records child protection status.")
    row = ProtectionStatus(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        status=status,
        starts_on=starts_on,
        note=note.strip(),
        recorded_by=actor,
    )
    return _created(row)


def settings_save(*, actor: Any, organisation: Any, flag_roles: list[str]) -> SafeguardingSettings:
    """Choose which roles, besides the DSL team, see the discreet child-protection flag."""
    if not permissions.can_edit_settings(actor, organisation):
        raise PermissionDenied("Only the DSL chooses who sees the flag.")
    with transaction.atomic():
        obj, _ = SafeguardingSettings.objects.select_for_update().get_or_create(organisation=organisation)
        obj.flag_roles = sorted(set(flag_roles))
        obj.full_clean()
        obj.save()
    return obj


# Re-exported so `safeguarding.services.<name>` stays the one import path for every write.
from safeguarding.services.referrals import agency_save, referral_create, referral_update  # noqa: E402

__all__ = [
    "action_add",
    "action_done",
    "agency_save",
    "concern_correct",
    "concern_link",
    "concern_log",
    "decision_record",
    "entry_add",
    "referral_create",
    "referral_update",
    "settings_save",
    "status_set",
]
