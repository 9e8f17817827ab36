"""Background work for qualifications: the e-mails to the booking's contact (booking received, a place come free,
credit notes), each enqueued when the transaction that caused it commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.urls import reverse
from django_tasks import task

from qualifications.models import Booking, Enrolment
from qualifications.selectors import credit_notes_to_print


@task()
def send_booking_received(booking_id: int) -> int:
    """Tell the coordinator who booked that the booking and its invoice number are recorded."""
    booking = Booking.objects.select_related("booked_by", "cluster").get(pk=booking_id)
    return send_mail(
        subject=f"Booking {booking.invoice_number} received",
        message=f"Your booking of {booking.enrolments.count()} place(s) on {booking.cluster} is recorded.",
        from_email=None,
        recipient_list=[booking.booked_by.email],
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
    from qualifications.documents import credit_note_pdf  # documents uses services, which enqueues this task

    credit = credit_notes_to_print().filter(pk=credit_note_id).first()
    if credit is None or not credit.booking.booked_by.email:
        return False
    booking, enrolment = credit.booking, credit.enrolment
    given_up = "cancelled" if enrolment.status == Enrolment.Status.CANCELLED else "withdrawn"
    base_url = settings.PASTORAL_BASE_URL.rstrip("/")
    message = EmailMessage(
        subject=f"Credit note {credit.number} against invoice {booking.invoice_number}",
        body=(
            f"Hello {booking.booked_by.full_name},\n\n"
            f"{booking.provider.name} has issued credit note {credit.number} for £{credit.amount} against invoice "
            f"{booking.invoice_number} ({booking.organisation.name}): {enrolment.participant.full_name}'s place on "
            f"{booking.cluster} is {given_up}.\n"
            f"Refund rule applied: {credit.rule}.\n\n"
            "The credit note is attached as a PDF. It is also on the booking page: "
            f"{base_url}{reverse('qualifications:booking_detail', args=[booking.pk])}\n\n"
            f"Please quote {credit.number} and {booking.invoice_number} in any correspondence.\n"
        ),
        to=[booking.booked_by.email],
    )
    message.attach(
        f"credit-note-{credit.number}.pdf",
        credit_note_pdf(credit, base_url=base_url + "/"),
        "application/pdf",
    )
    return message.send() == 1
