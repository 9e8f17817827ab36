"""Transfers of the child protection file: each one's receipt deadline (5 school days), the overdue ones, leavers
whose file has not been sent, and files sent to this school."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from access.permissions import access_for
from safeguarding.models import Concern, FileTransfer, ProtectionStatus, TransferReceipt
from safeguarding.permissions import DSL_TEAM_ROLES, safeguarding_pupil_q, visible_files
from safeguarding.timers import receipt_due


def visible_transfers(user: Any) -> QuerySet[FileTransfer]:
    return FileTransfer.objects.filter(safeguarding_pupil_q(user, prefix="pupil__"))


def incoming(user: Any) -> QuerySet[FileTransfer]:
    """Files other Pastoral schools sent to a school where this user is on the DSL team."""
    orgs = [g.organisation_id for g in access_for(user).grants if g.role in DSL_TEAM_ROLES]
    return FileTransfer.objects.filter(to_organisation_id__in=orgs).select_related("pupil", "organisation")


def attached_refs(transfers: list[FileTransfer]) -> set[int]:
    """Which of these transfers (sent here) were put on a child's file at the receiving school."""
    from safeguarding.models import ReceivedFile

    found = ReceivedFile.objects.filter(
        organisation_id__in={t.to_organisation_id for t in transfers},
        source_transfer_ref__in=[t.pk for t in transfers],
    )
    return {ref for ref in found.values_list("source_transfer_ref", flat=True) if ref is not None}


@dataclass
class TransferState:
    transfer: FileTransfer
    due_on: datetime.date
    downloaded_at: datetime.datetime | None
    received_at: datetime.datetime | None
    overdue: bool


def state(transfer: FileTransfer, today: datetime.date | None = None) -> TransferState:
    today = today or timezone.localdate()
    due = receipt_due(organisation_id=transfer.organisation_id, sent_on=transfer.sent_on)
    # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError: hasattr says "none".
    download = transfer.download if hasattr(transfer, "download") else None
    receipt = transfer.receipt if hasattr(transfer, "receipt") else None
    received_at = receipt.confirmed_at if receipt else None
    return TransferState(
        transfer, due, download.at if download else None, received_at, received_at is None and today > due
    )


def overdue_transfers(user: Any, today: datetime.date | None = None) -> list[TransferState]:
    """Transfers not receipted within 5 school days of being sent (the DSL's alert)."""
    waiting = (
        visible_transfers(user)
        .filter(~Exists(TransferReceipt.objects.filter(transfer=OuterRef("pk"))))
        .select_related("pupil")
        .order_by("sent_on", "id")
    )
    states = [state(t, today) for t in waiting[:200]]
    return [s for s in states if s.overdue]


def leavers_to_send(user: Any, today: datetime.date | None = None) -> QuerySet:
    """Pupils who have left (or leave within a fortnight) with a safeguarding file that has not been sent."""
    today = today or timezone.localdate()
    has_file = Exists(Concern.objects.filter(pupil=OuterRef("pk"))) | Exists(
        ProtectionStatus.objects.filter(pupil=OuterRef("pk"))
    )
    sent = Exists(FileTransfer.objects.filter(pupil=OuterRef("pk")))
    return (
        visible_files(user)
        .filter(Q(left_on__isnull=False, left_on__lte=today + datetime.timedelta(days=14)))
        .filter(has_file)
        .filter(~sent)
        .order_by("left_on", "pk")
    )
