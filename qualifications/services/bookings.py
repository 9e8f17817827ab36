"""Writes for bookings: booking places, cancellations, withdrawals, completions, safeguarding records and mentor sessions."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from audit.models import AuditEvent
from audit.services import record_event
from organisations.models import Organisation
from qualifications.models import (
    Booking,
    Cluster,
    CreditNote,
    Enrolment,
    MentorTrainingSession,
    SafeguardingTraining,
)
from qualifications.selectors import (
    FeeQuote,
    PrerequisiteCheck,
    RefundQuote,
    check_cluster_open,
    check_prerequisites,
    due_date,
    invoice_settings,
    quote_cancellation,
    quote_fee,
    quote_refund,
)
from qualifications.services.invoices import document_number_next, issue_credit_note
from qualifications.tasks import send_invoice, send_place_available
from qualifications.templatetags.qualifications_money import format_gbp


@dataclass
class PlaceRequest:
    participant: Any
    mentor: Any
    is_aspiring: bool = False
    head_discussion_on: datetime.date | None = None
    head_discussion_notes: str = ""
    ict_declared: bool = False


class BookingRefused(ValidationError):
    """A booking that cannot go ahead, with the reasons (`messages`) and the advice the checks gave (`warnings`)."""

    def __init__(self, message: Any, *, warnings: list[str] | None = None) -> None:
        super().__init__(message)
        self.warnings = warnings or []


class BookingUnacknowledged(BookingRefused):
    """A booking that can go ahead once the booker confirms reading the advice given (`warnings`)."""


def _grant(user: Any, organisation: Organisation, role: str, on: datetime.date) -> None:
    if (
        not RoleAssignment.objects.current(on)
        .filter(user=user, organisation=organisation, role=role)
        .exists()
    ):
        RoleAssignment.objects.create(user=user, organisation=organisation, role=role, starts_on=on)


def _booking_checks(
    *,
    locked: Cluster,
    school: Organisation,
    places: list[PlaceRequest],
    on: datetime.date,
    acknowledged: bool,
) -> list[PrerequisiteCheck]:
    """Every rule a booking is checked against, once: the cluster first, then each place. Refused (BookingRefused,
    with every reason and the advice given) when one fails; BookingUnacknowledged when advice was given and the
    booker has not yet confirmed reading it."""
    checks = [check_cluster_open(cluster=locked, on=on)]
    checks += [check_prerequisites(cluster=locked, school=school, place=p, on=on) for p in places]
    participants = [p.participant.pk for p in places]
    errors = [e for c in checks for e in c.errors]
    warnings = [w for c in checks for w in c.warnings]
    if len(set(participants)) != len(participants):
        errors.append("The same member of staff is named twice.")
    if errors:
        raise BookingRefused(errors, warnings=warnings)
    if warnings and not acknowledged:
        raise BookingUnacknowledged(warnings, warnings=warnings)
    return checks


def _new_booking(
    *, actor: Any, locked: Cluster, school: Organisation, on: datetime.date, purchase_order: str
) -> tuple[Booking, FeeQuote]:
    """The booking row, its fee worked out from the school's memberships on the booking date and frozen on it, and
    its invoice numbered, dated and given its terms."""
    edition = locked.edition
    quote = quote_fee(edition=edition, delivery_model=locked.delivery_model, school=school, on=on)
    booking = Booking(
        organisation=school,
        provider=locked.organisation,
        cluster=locked,
        edition=edition,
        booked_by=actor,
        booked_on=on,
        is_member=quote.is_member,
        associations=quote.associations,
        fee_per_place=quote.amount,
        invoice_number=document_number_next(locked.organisation, "invoice", on),
        vat_rate_percent=invoice_settings(locked.organisation).vat_rate_percent,
        payment_terms_days=edition.payment_terms_days,
        due_on=due_date(invoiced_on=on, terms_days=edition.payment_terms_days),
        purchase_order=purchase_order,
    )
    booking.full_clean()
    booking.save()
    return booking, quote


def _enrol_places(
    *,
    booking: Booking,
    locked: Cluster,
    places: list[PlaceRequest],
    checks: list[PrerequisiteCheck],
    fee: Decimal,
    on: datetime.date,
) -> None:
    """One place per participant, enrolled while the cluster has room and waitlisted beyond it, in order; the
    participant and mentor are given their roles at the school."""
    school = booking.organisation
    taken = locked.enrolments.filter(
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED]
    ).count()
    now = timezone.now()
    for place, check in zip(places, checks, strict=True):
        enrolled = taken < locked.capacity
        taken += 1 if enrolled else 0
        Enrolment.objects.create(
            organisation=school,
            provider=locked.organisation,
            booking=booking,
            edition=locked.edition,
            level=locked.level,
            cluster=locked,
            participant=place.participant,
            mentor=place.mentor,
            status=Enrolment.Status.ENROLLED if enrolled else Enrolment.Status.WAITLISTED,
            fee=fee,
            enrolled_at=now if enrolled else None,
            waitlisted_at=None if enrolled else now,
            safeguarding_record=check.safeguarding_record,
            ict_declared=place.ict_declared,
            level1_warning=check.level1_warning,
            is_aspiring=place.is_aspiring,
            head_discussion_on=place.head_discussion_on,
            head_discussion_notes=place.head_discussion_notes,
        )
        _grant(place.participant, school, Role.PARTICIPANT, on)
        _grant(place.mentor, school, Role.MENTOR, on)


def booking_create(
    *,
    actor: Any,
    cluster: Cluster,
    school: Organisation,
    places: list[PlaceRequest],
    on: datetime.date | None = None,
    purchase_order: str = "",
    warnings_acknowledged: bool = True,
) -> tuple[Booking, list[str]]:
    """Book places in a cluster for staff of a school; returns the booking and the warnings given.

    Refused (BookingRefused, with every reason) when a prerequisite fails; BookingUnacknowledged when there is
    advice (a cluster under way, no Level 1 on record) and `warnings_acknowledged` is false. The fee is worked out
    from the school's memberships on the booking date and frozen on the booking. Places beyond the cluster's
    capacity go on the waiting list, in order. The invoice is e-mailed to the booker once the booking commits.
    """
    on = on or timezone.localdate()
    if not places:
        raise BookingRefused("Choose at least one member of staff.")
    with transaction.atomic():
        # Lock the cluster first: the checks (a second place for the same person) and the count of places
        # taken are then consistent with concurrent bookings.
        locked = Cluster.objects.select_for_update().get(pk=cluster.pk)
        if not locked.edition.is_published or not locked.is_open:
            raise BookingRefused(f"{locked.name} is not open for bookings.")
        checks = _booking_checks(
            locked=locked, school=school, places=places, on=on, acknowledged=warnings_acknowledged
        )
        booking, quote = _new_booking(
            actor=actor, locked=locked, school=school, on=on, purchase_order=purchase_order
        )
        _enrol_places(
            booking=booking, locked=locked, places=places, checks=checks[1:], fee=quote.amount, on=on
        )
        transaction.on_commit(lambda: send_invoice.enqueue(booking.pk))
    return booking, [w for c in checks for w in c.warnings]


def promote_waiting(cluster: Cluster) -> list[Enrolment]:
    """Fill free places from the waiting list, first come first served (cluster row already locked)."""
    taken = cluster.enrolments.filter(
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED]
    ).count()
    promoted = []
    waiting = cluster.enrolments.filter(status=Enrolment.Status.WAITLISTED).order_by("waitlisted_at", "pk")
    for enrolment in waiting[: max(cluster.capacity - taken, 0)]:
        enrolment.status = Enrolment.Status.ENROLLED
        enrolment.enrolled_at = timezone.now()
        enrolment.save(update_fields=["status", "enrolled_at"])
        promoted.append(enrolment)
        transaction.on_commit(functools.partial(send_place_available.enqueue, enrolment.pk))
    return promoted


@dataclass
class Cancellation:
    """What a cancellation did: the credit notes issued for invoiced places and those moved up from the waiting
    list."""

    credit_notes: list[CreditNote] = field(default_factory=list)
    promoted: list[Enrolment] = field(default_factory=list)


def enrolment_cancel(*, actor: Any, enrolment: Enrolment, today: datetime.date | None = None) -> Cancellation:
    """Cancel one place; the first on the waiting list takes it. One transaction, audited.

    A place already on the booking's invoice (enrolled) stays charged there and, when the edition's refund rule
    gives anything back on `today`, a numbered credit note offsets it, as for a withdrawal. A waiting-list place
    was never charged, so it is simply dropped."""
    today = today or timezone.localdate()
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=enrolment.cluster_id)
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("edition", "booking", "participant")
            .get(organisation_id=enrolment.organisation_id, pk=enrolment.pk)
        )
        if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED):
            raise ValidationError(
                f"{enrolment.participant.full_name}'s place is {enrolment.get_status_display().lower()}, "
                "so it cannot be cancelled."
            )
        refund = quote_cancellation(enrolment=enrolment, on=today)
        enrolment.status = Enrolment.Status.CANCELLED
        enrolment.cancelled_at = timezone.now()
        enrolment.is_charged_when_cancelled = refund is not None
        enrolment.save(update_fields=["status", "cancelled_at", "is_charged_when_cancelled"])
        credit = (
            issue_credit_note(actor=actor, enrolment=enrolment, refund=refund, on=today, today=today)
            if refund
            else None
        )
        promoted = promote_waiting(cluster)
        booking = enrolment.booking
        if not booking.enrolments.exclude(status=Enrolment.Status.CANCELLED).exists():
            booking.status = Booking.Status.CANCELLED
            booking.cancelled_at = timezone.now()
            booking.save(update_fields=["status", "cancelled_at"])
        record_event(
            action=AuditEvent.Action.UPDATE,
            actor=actor,
            obj=enrolment,
            organisation_id=enrolment.organisation_id,
            note=f"Cancelled {enrolment.participant.full_name}'s place on {cluster}. "
            + _credit_sentence(refund, credit)
            + _promoted_sentence(promoted),
        )
    return Cancellation(credit_notes=[credit] if credit else [], promoted=promoted)


def booking_cancel(*, actor: Any, booking: Booking, today: datetime.date | None = None) -> Cancellation:
    """Cancel every active place of a booking in one transaction, promoting from the waiting list and crediting
    invoiced places by the refund rule. `promoted` holds only places of other bookings."""
    result = Cancellation()
    with transaction.atomic():
        Cluster.objects.select_for_update().get(pk=booking.cluster_id)
        for enrolment in booking.enrolments.filter(
            status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED]
        ).order_by("pk"):
            one = enrolment_cancel(actor=actor, enrolment=enrolment, today=today)
            result.credit_notes += one.credit_notes
            result.promoted += one.promoted
        booking.refresh_from_db()
        if booking.status != Booking.Status.CANCELLED:
            booking.status = Booking.Status.CANCELLED
            booking.cancelled_at = timezone.now()
            booking.save(update_fields=["status", "cancelled_at"])
    result.promoted = [p for p in result.promoted if p.booking_id != booking.pk]
    return result


def _credit_sentence(refund: RefundQuote | None, credit: CreditNote | None) -> str:
    if credit:
        return f"Credit note {credit.number} for {format_gbp(credit.amount)}."
    return "No credit (refund rule)." if refund else "Not invoiced (waiting list): no credit."


def _promoted_sentence(promoted: list[Enrolment]) -> str:
    return f" Promoted: {', '.join(e.participant.full_name for e in promoted)}." if promoted else ""


def enrolment_withdraw(
    *, actor: Any, enrolment: Enrolment, on: datetime.date, reason: str, today: datetime.date | None = None
) -> tuple[Enrolment, CreditNote | None, list[Enrolment]]:
    """Withdraw an enrolled participant: the place is freed for the waiting list and, when the edition's
    refund rule gives anything back, a numbered credit note is issued. One transaction, audited.

    Returns the enrolment, the credit note (None when the rule credits nothing) and those promoted."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason for the withdrawal.")
    today = today or timezone.localdate()
    if on > today:
        raise ValidationError("The withdrawal date cannot be in the future.")
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=enrolment.cluster_id)
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("edition", "booking")
            .get(organisation_id=enrolment.organisation_id, pk=enrolment.pk)
        )
        if enrolment.status != Enrolment.Status.ENROLLED:
            raise ValidationError(
                "Only an enrolled participant can be withdrawn (a waiting-list place is cancelled instead)."
            )
        if on < enrolment.booking.booked_on:
            raise ValidationError("The withdrawal date cannot be before the booking was made.")
        refund = quote_refund(enrolment=enrolment, on=on)
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.withdrawn_on = on
        enrolment.withdrawal_reason = reason
        enrolment.withdrawn_by = actor
        enrolment.save(update_fields=["status", "withdrawn_on", "withdrawal_reason", "withdrawn_by"])
        credit = issue_credit_note(actor=actor, enrolment=enrolment, refund=refund, on=on, today=today)
        promoted = promote_waiting(cluster)
        record_event(
            action=AuditEvent.Action.UPDATE,
            actor=actor,
            obj=enrolment,
            organisation_id=enrolment.organisation_id,
            note=(
                f"Withdrew {enrolment.participant.full_name} from {cluster} on {on:%Y-%m-%d}: {reason}. "
                + _credit_sentence(refund, credit)
                + _promoted_sentence(promoted)
            ),
        )
    return enrolment, credit, promoted


def safeguarding_record(
    *,
    actor: Any,
    school: Organisation,
    person: Any,
    completed_on: datetime.date,
    level: str,
    evidence: str,
) -> SafeguardingTraining:
    record = SafeguardingTraining(
        organisation=school,
        person=person,
        recorded_by=actor,
        completed_on=completed_on,
        level=level,
        evidence=evidence,
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def mentor_session_join(
    *,
    actor: Any,
    enrolment: Enrolment,
    session: MentorTrainingSession | None,
    now: datetime.datetime | None = None,
) -> Enrolment:
    """Sign the mentor of a place up for one of the edition's optional online training sessions still to come (or
    take them off). A mentor trains once an edition: the choice is made for each of their enrolled places in it (a
    mentor of two participants is one seat, not two)."""
    if session is not None:
        if session.edition_id != enrolment.edition_id:
            raise ValidationError("That session belongs to another edition.")
        if session.starts_at <= (now or timezone.now()):
            raise ValidationError("That session has already taken place: choose one still to come.")
        others = session.mentor_places.exclude(mentor_id=enrolment.mentor_id).values("mentor_id").distinct()
        if others.count() >= session.capacity:
            raise ValidationError("That session is full.")
    places = Enrolment.objects.filter(
        organisation_id=enrolment.organisation_id,
        edition_id=enrolment.edition_id,
        mentor_id=enrolment.mentor_id,
        status=Enrolment.Status.ENROLLED,
    ).exclude(pk=enrolment.pk)
    places.update(mentor_session=session)
    enrolment.mentor_session = session
    enrolment.save(update_fields=["mentor_session"])
    return enrolment


def enrolment_complete(
    *, actor: Any, enrolment: Enrolment, at: datetime.datetime | None = None, note: str = ""
) -> Enrolment:
    """Mark a place completed (the level is done; portfolios calls this when it issues the certificate, inside the
    same transaction): it then counts as Level 1 for a later Level 2 booking. Completing a completed place is a
    no-op; only an enrolled place can be completed."""
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(
            organisation_id=enrolment.organisation_id, pk=enrolment.pk
        )
        if locked.status == Enrolment.Status.COMPLETED:
            return locked
        if locked.status != Enrolment.Status.ENROLLED:
            raise ValidationError(
                f"{locked.participant.full_name}'s place is {locked.get_status_display().lower()}: only an enrolled "
                "place can be completed."
            )
        locked.status = Enrolment.Status.COMPLETED
        locked.completed_at = at or timezone.now()
        locked.completion_revoked_at = None
        locked.full_clean()
        locked.save(update_fields=["status", "completed_at", "completion_revoked_at"])
        record_event(
            action=AuditEvent.Action.UPDATE,
            actor=actor,
            obj=locked,
            note=f"Place completed{': ' + note if note else ''}",
        )
    enrolment.refresh_from_db()
    return enrolment


def enrolment_reopen(*, actor: Any, enrolment: Enrolment, reason: str) -> Enrolment:
    """Undo a completion whose certificate was revoked: the place goes back to enrolled (the state before it was
    completed) with the revocation time recorded, so it no longer counts as Level 1 done and a Level 2 booking is
    warned again. Nothing else about the place (fee, invoice, mentor) changes."""
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(
            organisation_id=enrolment.organisation_id, pk=enrolment.pk
        )
        if locked.status != Enrolment.Status.COMPLETED:
            return locked
        locked.status = Enrolment.Status.ENROLLED
        locked.completed_at = None
        locked.completion_revoked_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["status", "completed_at", "completion_revoked_at"])
        record_event(
            action=AuditEvent.Action.UPDATE,
            actor=actor,
            obj=locked,
            note=f"Completion undone, certificate revoked: {reason}",
        )
    enrolment.refresh_from_db()
    return enrolment
