"""Referrals and signposting: the school's list of agencies, a referral with its consent and timer, and each step
of its life. Referrals and their updates are never edited: a later update says what changed."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguarding import permissions, timers
from safeguarding.models import Agency, Concern, Referral, ReferralUpdate


def agency_save(
    *,
    actor: Any,
    organisation: Any,
    name: str,
    kind: str,
    awaits: str,
    response_days: int,
    contact: str = "",
    working_days: bool = True,
    active: bool = True,
    agency: Agency | None = None,
) -> Agency:
    """Add an agency to the school's list, or change one (its contact details, its timer)."""
    if not permissions.can_manage_agencies(actor, organisation):
        raise PermissionDenied("Only the DSL team manages the list of agencies.")
    row = agency or Agency(organisation=organisation)
    if row.organisation_id != organisation.pk:
        raise PermissionDenied("That agency belongs to another organisation.")
    row.name, row.kind, row.contact, row.awaits = name, kind, contact, awaits
    row.response_days, row.working_days, row.active = response_days, working_days, active
    row.full_clean()
    with transaction.atomic():
        row.save()
    return row


def referral_create(
    *,
    actor: Any,
    pupil: Any,
    agency: Agency,
    reason: str,
    consent: str,
    made_on: datetime.date,
    consent_note: str = "",
    concern: Concern | None = None,
    source: str = "",
    source_ref: str = "",
) -> Referral:
    """Record a referral (or signposting) of a child to an agency, with the date its answer is due.

    The public hook for other apps: a PAL's listening note becomes a signposting referral with
    `source="listening_note"` and `source_ref=<the note's id>`; only the DSL team refers to social care, the police,
    early help or the LADO."""
    if not permissions.can_make_referral(actor, pupil, agency):
        raise PermissionDenied("You may not make this referral.")
    if concern is not None and concern.pupil_id != pupil.pk:
        raise ValidationError({"concern": "The concern must be about the same child."})
    if not agency.active:
        raise ValidationError({"agency": "This agency is no longer on the school's list."})
    due = timers.answer_due(
        organisation_id=pupil.organisation_id,
        made_on=made_on,
        days=agency.response_days,
        working_days=agency.working_days,
    )
    referral = Referral(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        agency=agency,
        concern=concern,
        made_on=made_on,
        made_by=actor,
        reason=reason.strip(),
        consent=consent,
        consent_note=consent_note.strip(),
        answer_due_on=due,
        source=source,
        source_ref=str(source_ref),
    )
    referral.full_clean()
    with transaction.atomic():
        referral.save()
    return referral


def referral_update(
    *, actor: Any, referral: Referral, status: str, on: datetime.date, reference: str = "", note: str = ""
) -> ReferralUpdate:
    """Record the next step of a referral (acknowledged, accepted, declined, waiting, seen, closed)."""
    if not permissions.can_read_referral(actor, referral):
        raise PermissionDenied("You may not update this referral.")
    if on < referral.made_on:
        made = f"{referral.made_on.day} {referral.made_on:%b %Y}"
        raise ValidationError({"on": f"The date cannot be before the referral was made ({made})."})
    if referral.updates.filter(status=ReferralUpdate.Status.CLOSED).exists():
        raise ValidationError("This referral is closed.")
    if status == ReferralUpdate.Status.CLOSED and not note.strip():
        raise ValidationError({"note": "Say what the outcome was."})
    update = ReferralUpdate(
        organisation_id=referral.organisation_id,
        referral=referral,
        status=status,
        on=on,
        reference=reference.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    update.full_clean()
    with transaction.atomic():
        update.save()
    return update
