"""Follow-up writes: contact logs, escalation stages set by hand, letters."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from attendance.models import (
    ContactLog,
    EscalationStage,
    LetterTemplate,
    PupilEscalation,
)
from attendance.selectors.followup import letter_text
from people.models import Contact, Pupil

# --- Follow-up --------------------------------------------------------------------------------


def log_contact(
    *,
    actor: Any,
    pupil: Pupil,
    method: str,
    outcome: str,
    contact: Contact | None = None,
    to_whom: str = "",
    occurred_at: datetime.datetime | None = None,
    next_step: str = "",
) -> ContactLog:
    """Log a contact with the pupil's family about attendance: one of their contacts, or someone named."""
    entry = ContactLog(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        recorded_by=actor,
        method=method,
        contact=contact,
        to_whom=to_whom,
        occurred_at=occurred_at or timezone.now(),
        outcome=outcome,
        next_step=next_step,
    )
    if entry.contact is not None and entry.contact.organisation_id != pupil.organisation_id:
        raise ValidationError({"contact": "That contact belongs to another organisation."})
    if not entry.contact_id and not entry.to_whom.strip():
        raise ValidationError({"to_whom": "Choose a contact or say who you contacted."})
    entry.full_clean()
    entry.save()
    return entry


def escalate(*, actor: Any, pupil: Pupil, stage: EscalationStage, note: str = "") -> PupilEscalation:
    if stage.organisation_id != pupil.organisation_id:
        raise ValidationError("That stage belongs to another organisation.")
    entry = PupilEscalation(
        organisation_id=pupil.organisation_id, pupil=pupil, stage=stage, note=note, recorded_by=actor
    )
    entry.full_clean()
    entry.save()
    return entry


def letter_pdf(
    *, actor: Any, template: LetterTemplate, pupil: Pupil, start: datetime.date, end: datetime.date
) -> bytes:
    """Render the letter as a PDF (WeasyPrint) and log it as a letter contact."""
    from core.pdf import render_pdf

    body = letter_text(template=template, pupil=pupil, start=start, end=end)
    pdf = render_pdf(
        "attendance/letter_pdf.html",
        {
            "pupil": pupil,
            "paragraphs": [p for p in body.split("\n\n") if p.strip()],
            "organisation": pupil.organisation,
        },
    )
    from people.models import PupilContact

    link = PupilContact.objects.filter(pupil=pupil).order_by("priority").first()
    log_contact(
        actor=actor,
        pupil=pupil,
        method=ContactLog.Method.LETTER,
        contact=link.contact if link else None,
        to_whom="" if link else "Parent or carer",
        outcome=f"Letter sent: {template.name}",
    )
    return pdf
