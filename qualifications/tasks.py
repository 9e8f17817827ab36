"""Background work for qualifications: e-mailing credit notes to the booking's contact."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django_tasks import task

from qualifications.models import Enrolment
from qualifications.selectors import credit_notes_to_print


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
