"""The invoice e-mailed to the booker: when a booking is made (after commit, never for a rolled-back booking), and
again on request from the booking page by the school's CPD coordinator or the provider's programme administrator,
with the number, the amount due after credit notes and the current PDF (the download's) attached."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from access.roles import Role
from audit.models import AuditEvent
from core.testing.factories import RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from qualifications import documents, services
from qualifications.models import Booking
from qualifications.services import bookings as booking_services
from qualifications.tests.helpers import TODAY, book, build_qual_world, staff_user
from qualifications.tests.test_views import other_provider_admin, riverside_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_qual_world()


def _send_url(booking: Booking) -> str:
    return reverse("qualifications:booking_invoice_send", args=[booking.pk])


def _invoices(booking: Booking) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if booking.invoice_number in m.subject]


def test_it_emails_the_invoice_pdf_to_the_booker_once_the_booking_commits(
    w, django_capture_on_commit_callbacks
):
    """Booking two places sends nothing until commit, then one e-mail to the booker with the invoice attached."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]])
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    (sent,) = mail.outbox
    assert sent.to == [w.coordinator.email]
    assert sent.subject == f"Booking {booking.invoice_number} received: invoice attached"
    assert f"Invoice: {booking.invoice_number}, dated {TODAY:%-d %B %Y}" in sent.body
    assert "Amount due: £998.00" in sent.body and "2 place(s) on ISQAM L1 Online" in sent.body
    assert f"Please quote {booking.invoice_number} with your payment." in sent.body
    assert f"/qualifications/bookings/{booking.pk}/" in sent.body
    ((name, content, mimetype),) = sent.attachments
    assert name == f"invoice-{booking.invoice_number}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")


def test_it_sends_nothing_when_the_booking_is_rolled_back(w, django_capture_on_commit_callbacks):
    """A booking that fails after its invoice number was taken leaves no booking and sends no invoice."""
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        mock.patch.object(booking_services, "_grant", side_effect=RuntimeError("role table locked")),
        pytest.raises(RuntimeError),
    ):
        book(w, w.isqam_online, [w.staff[0]])
    assert mail.outbox == [] and not Booking.objects.exists()


def test_it_attaches_the_same_pdf_as_the_download(w, booked, django_capture_on_commit_callbacks):
    """The attachment is the invoice document the booking page's download gives, rendered when it is sent."""
    client = client_for(w.coordinator)
    with (
        mock.patch.object(documents, "invoice_pdf", return_value=b"%PDF-the-invoice") as render,
        django_capture_on_commit_callbacks(execute=True),
    ):
        download = client.get(reverse("qualifications:booking_invoice", args=[booked.pk]))
        client.post(_send_url(booked))
    assert download.content == b"%PDF-the-invoice"
    ((_, content, _),) = _invoices(booked)[0].attachments
    assert content == b"%PDF-the-invoice"
    assert [call.args[0].pk for call in render.call_args_list] == [booked.pk, booked.pk]


def test_it_tells_a_waiting_list_booking_that_nothing_is_charged_yet(w, django_capture_on_commit_callbacks):
    """A booking whose only place is on the waiting list is invoiced at £0.00, and the e-mail says why."""
    w.isqam_online.capacity = 0
    w.isqam_online.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking, _ = book(w, w.isqam_online, [w.staff[0]])
    (sent,) = _invoices(booking)
    assert "1 of them on the waiting list" in sent.body and "Amount due: £0.00" in sent.body
    assert "Places on the waiting list are not charged" in sent.body


def test_it_lets_the_coordinator_send_the_invoice_again(w, booked, django_capture_on_commit_callbacks):
    """The coordinator's button posts, e-mails the current invoice to the booker, says so and is audited."""
    client = client_for(w.coordinator)
    page = client.get(reverse("qualifications:booking_detail", args=[booked.pk])).content.decode()
    assert f'action="{_send_url(booked)}"' in page and "Send the invoice again to" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_send_url(booked))
    assert mail.outbox == []  # sent once the request's transaction commits
    for callback in callbacks:
        callback()
    assert response.status_code == 302 and response["Location"] == reverse(
        "qualifications:booking_detail", args=[booked.pk]
    )
    (sent,) = _invoices(booked)
    assert sent.subject == f"Invoice {booked.invoice_number}" and sent.to == [w.coordinator.email]
    assert "Here is invoice" in sent.body and "Amount due: £998.00" in sent.body
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Invoice {booked.invoice_number} is being sent again to {w.coordinator.full_name} "
        f"({w.coordinator.email})."
    ]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_id=str(booked.pk))
    assert event.actor == w.coordinator and event.organisation_id == booked.organisation_id
    assert booked.invoice_number in event.note and w.coordinator.email in event.note


def test_it_lets_the_admin_send_the_invoice_again_to_the_booker_with_the_amount_after_credit_notes(
    w, booked, django_capture_on_commit_callbacks
):
    """The provider's administrator resends to the coordinator who booked; a credit note lowers the amount due and a
    paid invoice says so."""
    place = booked.enrolments.get(participant=w.staff[0])
    services.enrolment_withdraw(actor=w.admin, enrolment=place, on=TODAY, reason="Left the school")
    services.booking_set_paid(actor=w.admin, booking=booked, paid=True, on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(w.admin).post(_send_url(booked)).status_code == 302
    (sent,) = _invoices(booked)
    assert sent.to == [w.coordinator.email]
    assert "Places charged: £998.00" in sent.body and "Less credit notes: £499.00" in sent.body
    assert "Amount due: £499.00" in sent.body and f"Paid on {TODAY:%-d %B %Y}: thank you." in sent.body
    assert "Please quote" not in sent.body
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=w.admin).count() == 1


def test_it_refuses_sending_again_without_a_post_and_a_csrf_token(
    w, booked, django_capture_on_commit_callbacks
):
    """A GET is not allowed and a POST without the CSRF token is refused; neither sends anything."""
    client = client_for(w.coordinator)
    client.handler.enforce_csrf_checks = True
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(_send_url(booked)).status_code == 405
        assert client.post(_send_url(booked)).status_code == 403
    assert mail.outbox == [] and not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


@outsider_test("qualifications:booking_invoice_send")
def test_it_hides_sending_another_schools_invoice(w, booked, django_capture_on_commit_callbacks):
    """Another school's coordinator, a senior leader there and another provider's administrator get 404."""
    with django_capture_on_commit_callbacks(execute=True):
        for user in (riverside_coordinator(w), w.school.outsider, other_provider_admin()):
            assert_outsider_404(client_for(user), _send_url(booked), "post")
    assert mail.outbox == []


def test_it_refuses_sending_again_to_the_participant_mentor_and_facilitator(
    w, booked, django_capture_on_commit_callbacks
):
    """People who reach the booking's school or provider without the coordinator or administrator role get 403."""
    facilitator = staff_user(w.provider, "fay@hmcpd.test", "Fay Facilitator")
    RoleFactory(organisation=w.provider, user=facilitator, role=Role.FACILITATOR)
    with django_capture_on_commit_callbacks(execute=True):
        for user in (w.staff[0], w.mentor, facilitator, w.school.tutor):
            assert client_for(user).post(_send_url(booked)).status_code == 403
    assert mail.outbox == [] and not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
