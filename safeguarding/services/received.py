"""Putting a child protection file received from the child's previous school on their file here.

Two routes: a transfer another Pastoral school sent straight to this school (`receive_transfer`: the file is built
as the link's download would be, and receipt is confirmed if it was not), or the ZIP (or its JSON) a school
elsewhere sent (`receive_upload`: every member and field checked, `cp_file.read_upload`). Either way the DSL team
of this school chooses one of its pupils; the file's date of birth must match theirs, and the UPN too when both
have one. The result is one `ReceivedFile` (immutable, audited on save), written in one transaction with its two
stored files; on any error nothing is kept."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from safeguarding import cp_file, permissions
from safeguarding.models import FileTransfer, ReceivedFile, TransferReceipt


def can_receive(user: Any, pupil: Any) -> bool:
    """The DSL team of the pupil's school (a DSO for their area) puts a received file on the child's file."""
    return permissions.can_view_file(user, pupil)


def _day(on: datetime.date) -> str:
    return f"{on.day} {on:%b %Y}"


def match_problem(pupil: Any, document: dict[str, Any]) -> str:
    """Why the file is not this pupil's ('' when it may be): the date of birth, and the UPN when both have one."""
    theirs = document["pupil"]
    born = datetime.date.fromisoformat(theirs["date_of_birth"])
    if born != pupil.date_of_birth:
        return (
            f"The file's date of birth ({_day(born)}) does not match {pupil.display_name}'s "
            f"({_day(pupil.date_of_birth)}): choose the right pupil, or ask the sending school."
        )
    upn = (theirs.get("upn") or "").strip()
    if upn and pupil.upn and upn != pupil.upn:
        return (
            f"The file's UPN ({upn}) does not match {pupil.display_name}'s ({pupil.upn}): choose the right "
            "pupil, or ask the sending school."
        )
    return ""


def receive_upload(
    *, actor: Any, pupil: Any, name: str, data: bytes, now: datetime.datetime | None = None
) -> ReceivedFile:
    """Check an uploaded ZIP or JSON and put it on the pupil's file (ValidationError on `file` or `pupil`)."""
    if not can_receive(actor, pupil):
        raise PermissionDenied("Only this school's DSL team puts a received file on a child's file.")
    upload = cp_file.read_upload(name, data)
    return _store(actor=actor, pupil=pupil, upload=upload, original_name=name, now=now)


def receive_transfer(
    *, actor: Any, transfer: FileTransfer, pupil: Any, now: datetime.datetime | None = None
) -> ReceivedFile:
    """Put a file sent to this school through Pastoral on one of its pupils' files, once; confirms receipt."""
    from safeguarding.services.transfers import file_zip

    if not (
        transfer.to_organisation_id
        and transfer.to_organisation_id == pupil.organisation_id
        and permissions.is_dsl_team(actor, transfer.to_organisation_id)
        and can_receive(actor, pupil)
    ):
        raise PermissionDenied("Only the receiving school's DSL team puts this file on one of its pupils.")
    now = now or timezone.now()
    if now > transfer.expires_at:
        raise ValidationError(
            {
                "pupil": "This transfer's 7 days have passed. Ask the sending school's DSL to send the file again."
            }
        )
    if ReceivedFile.objects.filter(
        organisation_id=pupil.organisation_id, source_transfer_ref=transfer.pk
    ).exists():
        raise ValidationError({"pupil": "This file is already on a child's file at this school."})
    pdf, raw = file_zip(transfer.pupil)
    upload = cp_file.Upload(pdf, raw, cp_file.parse_document(raw))
    return _store(actor=actor, pupil=pupil, upload=upload, transfer=transfer, now=now)


def _store(
    *,
    actor: Any,
    pupil: Any,
    upload: cp_file.Upload,
    transfer: FileTransfer | None = None,
    original_name: str = "",
    now: datetime.datetime | None = None,
) -> ReceivedFile:
    document = upload.document
    if problem := match_problem(pupil, document):
        raise ValidationError({"pupil": problem})
    record = ReceivedFile(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        from_school=document["from_school"].strip(),
        from_organisation_id=transfer.organisation_id if transfer else None,
        source_transfer_ref=transfer.pk if transfer else None,
        received_at=now or timezone.now(),
        received_by=actor,
        original_name=original_name.replace("\\", "/").rsplit("/", 1)[-1][:200],
        generated_at=datetime.datetime.fromisoformat(document["generated_at"]),
        rows=cp_file.chronology_rows(document),
        counts=cp_file.counts(document),
    )
    record.full_clean(exclude=["pdf", "document"])
    stored: list[str] = []
    try:
        with transaction.atomic():
            if upload.pdf is not None:
                record.pdf.save(cp_file.PDF_NAME, ContentFile(upload.pdf), save=False)
                stored.append(str(record.pdf.name))
            record.document.save(cp_file.JSON_NAME, ContentFile(upload.raw_json), save=False)
            stored.append(str(record.document.name))
            record.save()
            if transfer is not None:
                _confirm(actor=actor, transfer=transfer)
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return record


def _confirm(*, actor: Any, transfer: FileTransfer) -> None:
    """Receipt, if the receiving DSL had not confirmed it yet (putting the file on the child's file is receipt)."""
    if not TransferReceipt.objects.filter(transfer=transfer).exists():
        TransferReceipt(
            organisation_id=transfer.organisation_id,
            transfer=transfer,
            confirmed_by_name=actor.full_name,
            confirmed_by=actor,
        ).save()
