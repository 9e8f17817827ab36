"""Sending a child's protection file to their next school: a secure export (PDF + JSON in one ZIP) behind an
expiring, single-use link, or straight to another Pastoral school's DSL; the receiving DSL confirms receipt.

The transfer, its one download and its receipt are each written once (`Immutable`) and audited."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import secrets
import zipfile
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding import permissions
from safeguarding.models import FileTransfer, TransferDownload, TransferReceipt

LINK_DAYS = 7


class LinkUnusable(Exception):
    """The link is unknown, expired or already used: say which, and nothing is sent."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def transfer_send(
    *,
    actor: Any,
    pupil: Any,
    to_school: str,
    to_name: str,
    to_email: str,
    to_organisation: Any = None,
    now: datetime.datetime | None = None,
) -> tuple[FileTransfer, str]:
    """Record that the DSL sends the file; returns the transfer and the link's token (shown once, stored hashed)."""
    if not permissions.can_view_file(actor, pupil):
        raise PermissionDenied("Only the DSL team sends the child protection file.")
    if to_organisation is not None and to_organisation.pk == pupil.organisation_id:
        raise ValidationError({"to_organisation": "Choose the school the child is going to, not this one."})
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    transfer = FileTransfer(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        to_school=to_school.strip() or getattr(to_organisation, "name", ""),
        to_name=to_name.strip(),
        to_email=to_email.strip(),
        to_organisation=to_organisation,
        sent_by=actor,
        sent_at=now,
        sent_on=timezone.localdate(now),
        token_hash=token_hash(token),
        expires_at=now + datetime.timedelta(days=LINK_DAYS),
    )
    transfer.full_clean()
    with transaction.atomic():
        transfer.save()
    return transfer, token


def transfer_by_token(token: str) -> FileTransfer:
    found = (
        FileTransfer.objects.select_related("pupil", "organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if found is None:
        raise LinkUnusable("This link is not known. Ask the sending school's DSL for a new one.")
    return found


def transfer_fetch(*, transfer: FileTransfer, now: datetime.datetime | None = None) -> bytes:
    """The file, once: a ZIP of the chronology PDF and the machine-readable JSON. A second fetch or an expired link
    is refused; the download is recorded in the same transaction that builds the file."""
    now = now or timezone.now()
    if now > transfer.expires_at:
        raise LinkUnusable("This link has expired. Ask the sending school's DSL to send the file again.")
    with transaction.atomic():
        if TransferDownload.objects.select_for_update().filter(transfer=transfer).exists():
            raise LinkUnusable("This file has already been downloaded once; the link cannot be used again.")
        TransferDownload(organisation_id=transfer.organisation_id, transfer=transfer, at=now).save()
        return _zip(transfer)


def transfer_confirm(*, transfer: FileTransfer, name: str, actor: Any = None) -> TransferReceipt:
    """The receiving DSL confirms the file arrived (once)."""
    if (
        actor is not None
        and transfer.to_organisation_id
        and not permissions.is_dsl_team(actor, transfer.to_organisation_id)
    ):
        raise PermissionDenied("Only the receiving school's DSL team confirms receipt.")
    if not name.strip():
        raise ValidationError({"confirmed_by_name": "Give your name."})
    if TransferReceipt.objects.filter(transfer=transfer).exists():
        raise ValidationError("Receipt of this file has already been confirmed.")
    receipt = TransferReceipt(
        organisation_id=transfer.organisation_id,
        transfer=transfer,
        confirmed_by_name=name.strip(),
        confirmed_by=actor,
    )
    with transaction.atomic():
        receipt.save()
    return receipt


def file_document(pupil: Any) -> dict[str, Any]:
    """The child protection file as machine-readable data (the JSON half of the export), in the format
    `cp_file.FORMAT` describes: each section's fields only, with who recorded each record by name."""
    from safeguarding import cp_file
    from safeguarding.models import (
        ChronologyEntry,
        Concern,
        Decision,
        ProtectionStatus,
        Referral,
        ReferralUpdate,
    )

    # Concerns in the order they happened, as the chronology (and its PDF) places them.
    concerns = Concern.objects.filter(pupil=pupil).order_by("happened_at", "id")
    referrals = Referral.objects.filter(pupil=pupil)
    sections = {
        "statuses": ProtectionStatus.objects.filter(pupil=pupil).select_related("recorded_by"),
        "concerns": concerns.select_related("logged_by"),
        "decisions": Decision.objects.filter(concern__in=concerns).select_related("decided_by"),
        "referrals": referrals.select_related("made_by", "agency"),
        "referral_updates": ReferralUpdate.objects.filter(referral__in=referrals).select_related(
            "recorded_by", "referral__agency"
        ),
        "chronology_entries": ChronologyEntry.objects.filter(pupil=pupil).select_related("recorded_by"),
    }
    return {
        "format": cp_file.FORMAT,
        "generated_at": timezone.now().isoformat(),
        "from_school": pupil.organisation.name,
        "pupil": {
            "first_name": pupil.legal_first_name,
            "last_name": pupil.legal_last_name,
            "date_of_birth": pupil.date_of_birth.isoformat(),
            "upn": pupil.upn,
        },
        **{name: cp_file.export_section(name, rows) for name, rows in sections.items()},
    }


def file_zip(pupil: Any) -> tuple[bytes, bytes]:
    """The chronology PDF and the JSON of the child's file, as the transfer sends them."""
    from weasyprint import HTML

    from safeguarding.chronology_html import table_context
    from safeguarding.selectors import chronology, current_status

    context = {"pupil": pupil, **table_context(chronology(pupil)), "status": current_status(pupil)}
    pdf = HTML(string=render_to_string("safeguarding/chronology_pdf.html", context)).write_pdf()
    return pdf, json.dumps(file_document(pupil), indent=2, default=str).encode()


def _zip(transfer: FileTransfer) -> bytes:
    pdf, document = file_zip(transfer.pupil)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cp-file.pdf", pdf)
        archive.writestr("cp-file.json", document)
    return buffer.getvalue()
