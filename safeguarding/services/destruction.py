"""Destroying a child's safeguarding file after its retention review, and the legal holds that stop it.

The DSL alone destroys a file, and only when: the child's date of birth + 25 years has come (`kept_until`), the
retention job has listed the file for review, the pupil has no retention hold and the file no legal hold in force.
Everything else is refused with the reason (`DestructionRefused`). It happens in one transaction: every
safeguarding record about the child goes (concerns with their attachments, decisions, actions, links to other
children's concerns, chronology entries, files received from previous schools with their PDF and JSON, statuses,
referrals, transfers, safety-net minutes and actions about the child, the review, subject-access decisions, lifted
holds), with the audit events about those records (their changes hold the records' content); what remains is a
`FileDestruction` (who, when, the reason, counts per kind — no personal content) and one audit event. Stored files
(attachments, received PDFs and JSON) leave the disk once the transaction has committed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from access.permissions import access_for
from access.roles import Role
from audit.models import AuditEvent
from audit.services import destroyed_file_events_delete, record_event
from safeguarding import permissions
from safeguarding.models import (
    Action,
    ActionDone,
    ChronologyEntry,
    Concern,
    ConcernAttachment,
    ConcernLink,
    Decision,
    FileDestruction,
    FileHold,
    FileTransfer,
    MeetingAction,
    MeetingActionDone,
    MeetingMinute,
    ProtectionStatus,
    ReceivedFile,
    Referral,
    ReferralUpdate,
    RetentionReview,
    SubjectAccessDecision,
    TransferDownload,
    TransferReceipt,
)
from safeguarding.services.retention import kept_until


class DestructionRefused(ValidationError):
    """The file may not be destroyed (yet): the message says why."""


def can_destroy(user: Any, pupil: Any) -> bool:
    """The DSL (not a deputy or DSO) of the child's school."""
    return permissions.can_view_file(user, pupil) and Role.DSL in access_for(user).roles(
        pupil.organisation_id
    )


def active_hold(pupil: Any) -> FileHold | None:
    return FileHold.objects.filter(
        organisation_id=pupil.organisation_id, pupil=pupil, lifted_at__isnull=True
    ).first()


def refusal(pupil: Any, today: datetime.date) -> str:
    """Why the file cannot be destroyed today ('' when it can)."""
    until = kept_until(pupil.date_of_birth)
    if today < until:
        return f"This file is kept until {until.day} {until:%B %Y} (date of birth + 25 years): it cannot be destroyed before."
    if pupil.retention_hold:
        return (
            f"The pupil is under a retention hold ({pupil.retention_hold}): nothing of theirs is destroyed."
        )
    if hold := active_hold(pupil):
        placed = timezone.localdate(hold.placed_at)
        return f"The file is under a legal hold placed on {placed.day} {placed:%B %Y} ({hold.reason}): lift it first."
    mine = {"organisation_id": pupil.organisation_id, "pupil": pupil}
    if not RetentionReview.objects.filter(**mine).exists():
        return "The file has not been listed for review by the retention job yet."
    return ""


@dataclass
class FileRecords:
    """Every safeguarding record about one child, by kind (querysets; nothing is read until counted)."""

    pupil: Any
    kinds: dict[str, QuerySet[Any]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {label: qs.count() for label, qs in self.kinds.items() if qs.exists()}


def file_records(pupil: Any) -> FileRecords:
    """The records that go with the file, children before their parents (the order they are deleted in)."""
    mine = {"organisation_id": pupil.organisation_id}
    concerns = Concern.objects.filter(pupil=pupil, **mine)
    referrals = Referral.objects.filter(Q(pupil=pupil) | Q(concern__in=concerns), **mine)
    transfers = FileTransfer.objects.filter(pupil=pupil, **mine)
    actions = Action.objects.filter(concern__in=concerns, **mine)
    meeting_actions = MeetingAction.objects.filter(pupil=pupil, **mine)
    kinds: list[tuple[str, QuerySet[Any]]] = [
        ("attachments", ConcernAttachment.objects.filter(concern__in=concerns, **mine)),
        (
            "links to other concerns",
            ConcernLink.objects.filter(Q(concern__in=concerns) | Q(linked__in=concerns), **mine),
        ),
        ("actions done", ActionDone.objects.filter(action__in=actions, **mine)),
        ("actions", actions),
        ("decisions", Decision.objects.filter(concern__in=concerns, **mine)),
        ("referral steps", ReferralUpdate.objects.filter(referral__in=referrals, **mine)),
        ("referrals", referrals),
        ("concerns", concerns),
        ("chronology entries", ChronologyEntry.objects.filter(pupil=pupil, **mine)),
        ("child protection statuses", ProtectionStatus.objects.filter(pupil=pupil, **mine)),
        ("files from previous schools", ReceivedFile.objects.filter(pupil=pupil, **mine)),
        ("transfer downloads", TransferDownload.objects.filter(transfer__in=transfers, **mine)),
        ("transfer receipts", TransferReceipt.objects.filter(transfer__in=transfers, **mine)),
        ("transfers", transfers),
        ("safety-net actions done", MeetingActionDone.objects.filter(action__in=meeting_actions, **mine)),
        ("safety-net actions", meeting_actions),
        ("safety-net minutes", MeetingMinute.objects.filter(pupil=pupil, **mine)),
        ("subject-access decisions", SubjectAccessDecision.objects.filter(pupil=pupil, **mine)),
        ("legal holds (lifted)", FileHold.objects.filter(pupil=pupil, **mine)),
        ("retention reviews", RetentionReview.objects.filter(pupil=pupil, **mine)),
    ]
    return FileRecords(pupil, dict(kinds))


def _events_about(records: FileRecords) -> QuerySet[AuditEvent]:
    """The audit events about the file's records, and the reads of the file recorded against the pupil."""
    pupil = records.pupil
    about = Q(object_type="people.Pupil", object_id=str(pupil.pk), note__startswith="safeguarding")
    for qs in records.kinds.values():
        model: type[Model] = qs.model
        ids = [str(pk) for pk in qs.values_list("pk", flat=True)]
        if ids:
            about |= Q(object_type=model._meta.label, object_id__in=ids)
    return AuditEvent.objects.filter(about, organisation_id=pupil.organisation_id)


def file_destroy(
    *, actor: Any, pupil: Any, reason: str, today: datetime.date | None = None
) -> FileDestruction:
    """Destroy the child's safeguarding file (see the module's docstring); refuse with the reason otherwise."""
    from people.models import Pupil

    if not can_destroy(actor, pupil):
        raise PermissionDenied("Only the DSL destroys a safeguarding file.")
    reason = reason.strip()
    if not reason:
        raise DestructionRefused({"reason": "Say why the file is destroyed (no personal details)."})
    today = today or timezone.localdate()
    with transaction.atomic():
        pupil = Pupil.objects.select_for_update().get(
            organisation_id=pupil.organisation_id, pk=pupil.pk
        )  # one destruction at a time
        if why := refusal(pupil, today):
            raise DestructionRefused(why)
        records = file_records(pupil)
        counts = records.counts()
        stored = [a.file.name for a in records.kinds["attachments"]] + [
            name
            for r in records.kinds["files from previous schools"]
            for name in (r.pdf.name, r.document.name)
            if name
        ]
        events = destroyed_file_events_delete(_events_about(records))
        for qs in records.kinds.values():
            qs._raw_delete(qs.db)
        tombstone = FileDestruction(
            organisation_id=pupil.organisation_id,
            pupil_ref=pupil.pk,
            destroyed_by=actor,
            reason=reason,
            counts=counts,
        )
        tombstone.full_clean()
        tombstone.save()
        record_event(
            action=AuditEvent.Action.DELETE,
            actor=actor,
            obj=tombstone,
            note="destroyed after its retention review: "
            + ", ".join(f"{n} {label}" for label, n in counts.items())
            + f"; {events} audit event(s) about them",
        )
        transaction.on_commit(lambda: _remove_files(stored))
    return tombstone


def _remove_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def hold_place(*, actor: Any, pupil: Any, reason: str) -> FileHold:
    """The DSL puts the file under a legal hold (one in force at a time)."""
    if not can_destroy(actor, pupil):
        raise PermissionDenied("Only the DSL places a legal hold on a safeguarding file.")
    with transaction.atomic():
        if active_hold(pupil):
            raise ValidationError("The file is already under a legal hold.")
        hold = FileHold(
            organisation_id=pupil.organisation_id, pupil=pupil, reason=reason.strip(), placed_by=actor
        )
        hold.full_clean()
        hold.save()
    return hold


def hold_lift(*, actor: Any, pupil: Any, reason: str) -> FileHold:
    """The DSL lifts the legal hold in force, saying why."""
    if not can_destroy(actor, pupil):
        raise PermissionDenied("Only the DSL lifts a legal hold.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the hold may be lifted."})
    with transaction.atomic():
        hold = (
            FileHold.objects.select_for_update()
            .filter(organisation_id=pupil.organisation_id, pupil=pupil, lifted_at__isnull=True)
            .first()
        )
        if hold is None:
            raise ValidationError("The file is not under a legal hold.")
        hold.lifted_by, hold.lifted_at, hold.lift_reason = actor, timezone.now(), reason.strip()
        hold.save()
    return hold
