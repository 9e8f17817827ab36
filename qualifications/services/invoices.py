"""Writes for invoices and credit notes: document numbers, payment, e-mailing invoices again, reminders and the provider's invoice settings."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record_event
from organisations.models import Organisation
from qualifications.models import (
    ZERO_RATED_NOTE,
    Booking,
    CreditNote,
    Enrolment,
    InvoiceCounter,
    InvoiceSettings,
)
from qualifications.selectors import RefundQuote, is_overdue
from qualifications.tasks import send_credit_note, send_invoice, send_invoice_reminder

# One numbering scheme for the provider's money documents: <prefix>-<year of the document's date>-<nnnnn>, each kind
# with its own unbroken sequence per provider (never reset by year), taken under a row lock on the provider's counter.
# Numbers already issued keep their values: they were made by this same scheme.
DOCUMENT_NUMBERING = {"invoice": ("INV", "last_number"), "credit_note": ("CN", "last_credit_number")}


def document_number_next(provider: Organisation, kind: str, on: datetime.date) -> str:
    """The next number of an invoice or credit note (`kind`) of a provider, dated `on`, within the caller's
    transaction."""
    prefix, counter_field = DOCUMENT_NUMBERING[kind]
    InvoiceCounter.objects.get_or_create(organisation=provider)
    counter = InvoiceCounter.objects.select_for_update().get(organisation=provider)
    number = getattr(counter, counter_field) + 1
    setattr(counter, counter_field, number)
    counter.save(update_fields=[counter_field])
    return f"{prefix}-{on.year}-{number:05d}"


def issue_credit_note(
    *, actor: Any, enrolment: Enrolment, refund: RefundQuote, on: datetime.date, today: datetime.date
) -> CreditNote | None:
    """Within the caller's transaction: number and save a credit note for a charged place, e-mailed to the
    booker once the transaction commits. None when the rule credits nothing."""
    if refund.amount <= 0:
        return None
    credit = CreditNote(
        organisation_id=enrolment.organisation_id,
        provider_id=enrolment.provider_id,
        booking=enrolment.booking,
        enrolment=enrolment,
        number=document_number_next(enrolment.booking.provider, "credit_note", on),
        issued_on=today,
        amount=refund.amount,
        percent=refund.percent,
        rule=refund.rule,
        issued_by=actor,
    )
    credit.full_clean()
    credit.save()
    transaction.on_commit(lambda: send_credit_note.enqueue(credit.pk))
    return credit


def booking_set_paid(*, actor: Any, booking: Booking, paid: bool, on: datetime.date | None = None) -> Booking:
    booking.paid = paid
    booking.paid_on = (on or timezone.localdate()) if paid else None
    booking.full_clean()
    booking.save(update_fields=["paid", "paid_on"])
    return booking


def invoice_send_again(*, actor: Any, booking: Booking) -> None:
    """E-mail the booking's current invoice to its booker again once the transaction commits; audited."""
    with transaction.atomic():
        record_event(
            action=AuditEvent.Action.EXPORT,
            actor=actor,
            obj=booking,
            organisation_id=booking.organisation_id,
            note=f"Invoice {booking.invoice_number} e-mailed again to {booking.booked_by.email}.",
        )
        transaction.on_commit(lambda: send_invoice.enqueue(booking.pk, again=True))


def payment_reminder_send(*, actor: Any, booking: Booking, today: datetime.date | None = None) -> Booking:
    """E-mail the booker a payment reminder for an overdue invoice, its current PDF attached, once the transaction
    commits; records when it was sent and audits it. Refused (ValidationError) unless the invoice is overdue."""
    today = today or timezone.localdate()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",)).select_related("booked_by").get(pk=booking.pk)
        )
        if not is_overdue(booking, today=today):
            raise ValidationError(
                f"Invoice {booking.invoice_number} is not overdue (paid, nothing owed, or not yet due), "
                "so no reminder was sent."
            )
        booking.last_reminder_at = timezone.now()
        booking.save(update_fields=["last_reminder_at"])
        record_event(
            action=AuditEvent.Action.EXPORT,
            actor=actor,
            obj=booking,
            organisation_id=booking.organisation_id,
            note=f"Payment reminder for invoice {booking.invoice_number} (due {booking.due_on:%Y-%m-%d}) "
            f"e-mailed to {booking.booked_by.email}.",
        )
        transaction.on_commit(lambda: send_invoice_reminder.enqueue(booking.pk))
    return booking


@transaction.atomic
def invoice_settings_save(
    *,
    actor: Any,
    provider: Organisation,
    payment_method: str = "BACS bank transfer",
    bank_name: str = "",
    account_name: str = "",
    sort_code: str = "",
    account_number: str = "",
    vat_number: str = "",
    vat_rate_percent: Decimal = Decimal("0"),
    zero_rated_note: str = ZERO_RATED_NOTE,
) -> InvoiceSettings:
    """Set the provider's invoice settings; bookings already invoiced keep the VAT rate frozen on them. Audited."""
    settings_ = InvoiceSettings.objects.select_for_update().filter(organisation=provider).first()
    settings_ = settings_ or InvoiceSettings(organisation=provider)
    settings_.payment_method, settings_.bank_name, settings_.account_name = (
        payment_method,
        bank_name,
        account_name,
    )
    settings_.sort_code, settings_.account_number = sort_code, account_number
    settings_.vat_number, settings_.vat_rate_percent = vat_number, vat_rate_percent
    settings_.zero_rated_note = zero_rated_note
    settings_.full_clean()
    settings_.save()
    record_event(
        action=AuditEvent.Action.UPDATE,
        actor=actor,
        obj=settings_,
        organisation_id=provider.pk,
        note=f"Invoice settings saved (VAT rate {settings_.vat_rate_percent}%).",
    )
    return settings_
