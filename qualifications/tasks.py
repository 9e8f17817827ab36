"""Background work for qualifications: the e-mails to the booking's contact (the invoice when a booking is made or
sent again, a payment reminder, a place come free, credit notes), each enqueued when the transaction that caused it
commits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django_tasks import task

from qualifications import documents, selectors
from qualifications.models import Booking, Enrolment
from qualifications.selectors import bookings_to_print, credit_notes_to_print


def _base_url() -> str:
    return settings.PASTORAL_BASE_URL.rstrip("/")


def _email_booker(
    booking: Booking, *, subject: str, template: str, context: dict[str, Any], filename: str, pdf: bytes
) -> bool:
    """E-mail the booking's contact (the coordinator who booked) a plain-text body from `template`, with one PDF
    attached. False when the booker has no e-mail address."""
    if not booking.booked_by.email:
        return False
    url = _base_url() + reverse("qualifications:booking_detail", args=[booking.pk])
    body = render_to_string(template, {"booking": booking, "booking_url": url, **context})
    message = EmailMessage(subject=subject, body=body, to=[booking.booked_by.email])
    message.attach(filename, pdf, "application/pdf")
    return message.send() == 1


def _email_invoice(booking: Booking, *, subject: str, template: str, context: dict[str, Any]) -> bool:
    """E-mail the booker about the booking's invoice: its amounts (places charged, credit notes, amount due) in the
    body and its current PDF, the download's document, attached."""
    figures = {
        "charges": selectors.invoice_charges(booking),
        "credits": selectors.credits_total(booking),
        "total": selectors.invoice_total(booking),
    }
    return _email_booker(
        booking,
        subject=subject,
        template=template,
        context={**figures, **context},
        filename=f"invoice-{booking.invoice_number}.pdf",
        pdf=documents.invoice_pdf(booking, base_url=_base_url() + "/"),
    )


@task()
def send_invoice(booking_id: int, again: bool = False) -> bool:
    """E-mail a booking's invoice, its current PDF attached, to the booker: when the booking is made, or `again`
    when the coordinator or the provider asks."""
    booking = bookings_to_print().filter(pk=booking_id).first()
    if booking is None:
        return False
    enrolments = booking.enrolments.all()
    subject = (
        f"Invoice {booking.invoice_number}"
        if again
        else f"Booking {booking.invoice_number} received: invoice attached"
    )
    return _email_invoice(
        booking,
        subject=subject,
        template="qualifications/email/invoice.txt",
        context={
            "again": again,
            "places": enrolments.count(),
            "waiting": enrolments.filter(status=Enrolment.Status.WAITLISTED).count(),
        },
    )


@task()
def send_invoice_reminder(booking_id: int) -> bool:
    """E-mail the booker a reminder that an invoice is overdue, its current PDF attached."""
    booking = bookings_to_print().filter(pk=booking_id).first()
    if booking is None:
        return False
    return _email_invoice(
        booking,
        subject=f"Payment reminder: invoice {booking.invoice_number} was due on {date_format(booking.due_on, 'j F Y')}",
        template="qualifications/email/payment_reminder.txt",
        context={},
    )


@task()
def send_place_available(enrolment_id: int) -> int:
    """Tell a participant moved up from the waiting list, and their booker, that they have a place."""
    enrolment = Enrolment.objects.select_related("participant", "booking__booked_by", "cluster").get(
        pk=enrolment_id
    )
    return send_mail(
        subject="A place has become available",
        message=f"{enrolment.participant.full_name} now has a place on {enrolment.cluster}.",
        from_email=None,
        recipient_list=[enrolment.participant.email, enrolment.booking.booked_by.email],
    )


@task()
def send_credit_note(credit_note_id: int) -> bool:
    """E-mail a credit note, its PDF attached, to the booking's contact (the coordinator who booked)."""
    credit = credit_notes_to_print().filter(pk=credit_note_id).first()
    if credit is None:
        return False
    booking = credit.booking
    return _email_booker(
        booking,
        subject=f"Credit note {credit.number} against invoice {booking.invoice_number}",
        template="qualifications/email/credit_note.txt",
        context={
            "credit": credit,
            "given_up": "cancelled" if credit.enrolment.status == Enrolment.Status.CANCELLED else "withdrawn",
        },
        filename=f"credit-note-{credit.number}.pdf",
        pdf=documents.credit_note_pdf(credit, base_url=_base_url() + "/"),
    )
