"""Coaching sessions and listening notes; a listening note's two ways on: a referral (signposting, or any referral
for the DSL team) through `safeguarding.services.referral_create`, or a concern passed to the DSL through
`safeguarding.services.concern_log`. Each write validated, in one transaction, audited (the models are tracked)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from caseloads.models import CoachingSession, ListeningNote
from caseloads.permissions_coaching import can_read_note, can_write_note, can_write_student


def coaching_record(
    *,
    actor: Any,
    pupil: Any,
    held_on: datetime.date,
    focus: str,
    outcome: str,
    notes: str = "",
    next_step: str = "",
    next_on: datetime.date | None = None,
) -> CoachingSession:
    """Record a one-to-one coaching session with a student."""
    if not can_write_student(actor, pupil):
        raise PermissionDenied("You may not record coaching for this student.")
    if next_on is not None and next_on < held_on:
        raise ValidationError({"next_on": "The next step cannot be due before the session."})
    session = CoachingSession(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        coach=actor,
        held_on=held_on,
        focus=focus,
        notes=notes.strip(),
        outcome=outcome.strip(),
        next_step=next_step.strip(),
        next_on=next_on,
    )
    session.full_clean()
    with transaction.atomic():
        session.save()
    return session


def note_record(
    *, actor: Any, pupil: Any, heard_on: datetime.date, said: str, guidance: str = ""
) -> ListeningNote:
    """Record a first-stage listening note (what the student said); the student's PAL only."""
    if not can_write_note(actor, pupil):
        raise PermissionDenied("Only the student's PAL records listening notes.")
    if heard_on > timezone.localdate():
        raise ValidationError({"heard_on": "The date cannot be in the future."})
    note = ListeningNote(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        written_by=actor,
        heard_on=heard_on,
        said=said.strip(),
        guidance=guidance.strip(),
    )
    note.full_clean()
    with transaction.atomic():
        note.save()
    return note


def _still_open(note: ListeningNote) -> None:
    if note.referral_id or note.concern_id:
        raise ValidationError("This note has already been referred or passed to the DSL.")


def note_refer(
    *,
    actor: Any,
    note: ListeningNote,
    agency: Any,
    reason: str,
    consent: str,
    made_on: datetime.date,
    consent_note: str = "",
) -> Any:
    """Make the note a referral through the safeguarding app (which checks who may refer to which agency) and link
    the note to it, in one transaction."""
    from safeguarding.services.referrals import referral_create

    if not can_read_note(actor, note):
        raise PermissionDenied("You may not refer from this note.")
    _still_open(note)
    with transaction.atomic():
        referral = referral_create(
            actor=actor,
            pupil=note.pupil,
            agency=agency,
            reason=reason,
            consent=consent,
            consent_note=consent_note,
            made_on=made_on,
            source="listening_note",
            source_ref=str(note.pk),
        )
        note.referral = referral
        note.save(update_fields=["referral"])
    return referral


def note_pass_to_dsl(
    *, actor: Any, note: ListeningNote, category: str, location: str, now: datetime.datetime | None = None
) -> Any:
    """Pass the note to the DSL as a logged concern (the student's words as said) and link the note to it."""
    from safeguarding.services import concern_log

    if not can_read_note(actor, note):
        raise PermissionDenied("You may not pass this note on.")
    _still_open(note)
    noon = timezone.make_aware(datetime.datetime.combine(note.heard_on, datetime.time(12, 0)))
    heard_at = min(noon, now or timezone.now())
    seen = "Passed on from a PAL's listening note" + (
        f". Guidance given: {note.guidance}" if note.guidance else "."
    )
    with transaction.atomic():
        concern = concern_log(
            actor=actor,
            pupil=note.pupil,
            happened_at=heard_at,
            location=location,
            category=category,
            seen_or_heard=seen,
            child_words=note.said,
            now=now,
        )
        note.concern = concern
        note.save(update_fields=["concern"])
    return concern
