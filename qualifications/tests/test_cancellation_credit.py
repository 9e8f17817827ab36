"""Cancelling a place the school has been invoiced for: the place stays charged and a numbered credit note offsets
it by the edition's refund rule (the programme documents say nothing about cancellations or refunds), after a
confirmation page, in one transaction; the credit note is e-mailed to the booker after commit. A waiting-list
place was never invoiced and is credited nothing."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from access.roles import Role
from audit.models import AuditEvent
from core.testing.factories import RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from qualifications import selectors, services
from qualifications.models import Booking, CreditNote, Enrolment
from qualifications.services import bookings as booking_services
from qualifications.tests.helpers import FIRST_DAY, TODAY, book, build_qual_world, staff_user
from qualifications.tests.test_views import other_provider_admin, riverside_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_qual_world()


def _cancel_url(enrolment: Enrolment) -> str:
    return reverse("qualifications:enrolment_cancel", args=[enrolment.pk])


def test_it_credits_an_invoiced_place_cancelled_before_the_first_training_day(w, full):
    place, waiting = full
    client = client_for(w.coordinator)
    confirm = client.get(_cancel_url(place)).content.decode()
    assert "stays on invoice" in confirm and "a credit note for £499.00" in confirm
    assert "Cancel the place" in confirm
    response = client.post(_cancel_url(place), follow=True)
    place.refresh_from_db()
    waiting.refresh_from_db()
    assert place.status == Enrolment.Status.CANCELLED and place.is_charged_when_cancelled
    assert waiting.status == Enrolment.Status.ENROLLED
    credit = CreditNote.objects.get(enrolment=place)
    assert (credit.amount, credit.percent, credit.number) == (
        Decimal("499.00"),
        100,
        f"CN-{TODAY.year}-00001",
    )
    assert "100% of the fee for a cancellation before the first training day" in credit.rule
    assert credit.booking == place.booking and credit.issued_by == w.coordinator
    assert f"Credit note {credit.number} for £499.00 issued" in response.content.decode()
    # The invoice keeps the place and the credit note offsets it.
    assert [line.pk for line in selectors.invoice_lines(place.booking)] == [place.pk]
    assert selectors.invoice_charges(place.booking) == Decimal("499.00")
    assert selectors.invoice_total(place.booking) == Decimal("0.00")
    assert AuditEvent.objects.filter(
        object_type="qualifications.Enrolment", object_id=str(place.pk), note__contains=credit.number
    ).exists()


def test_it_credits_a_paid_booking_by_the_providers_rule_after_the_course_has_started(w, full):
    place, _ = full
    services.booking_set_paid(actor=w.admin, booking=place.booking, paid=True, on=TODAY)
    w.isqam.refund_after_start_percent = 25
    w.isqam.save()
    result = services.enrolment_cancel(actor=w.admin, enrolment=place, today=FIRST_DAY)
    (credit,) = result.credit_notes
    assert (credit.amount, credit.percent) == (Decimal("124.75"), 25)
    assert "cancellation on or after the first training day" in credit.rule
    booking = Booking.objects.get(pk=place.booking_id)
    assert booking.paid and selectors.invoice_total(booking) == Decimal("374.25")


def test_it_keeps_the_fee_charged_with_no_credit_note_when_the_rule_gives_nothing_back(w, full):
    """By default nothing is credited on or after the first training day: the school still owes the fee, even
    when the whole booking is cancelled, so the invoice stays on the unpaid lists."""
    place, _ = full
    result = services.booking_cancel(actor=w.coordinator, booking=place.booking, today=FIRST_DAY)
    assert result.credit_notes == [] and not CreditNote.objects.exists()
    booking = Booking.objects.get(pk=place.booking_id)
    assert booking.status == Booking.Status.CANCELLED
    assert selectors.invoice_total(booking) == Decimal("499.00")
    unpaid = selectors.unpaid_bookings(w.admin).get(pk=booking.pk)
    assert unpaid.amount == Decimal("499.00")
    page = client_for(w.admin).get(reverse("qualifications:provider_dashboard")).content.decode()
    assert booking.invoice_number in page


def test_it_credits_nothing_for_a_waiting_list_place_that_was_never_invoiced(
    w, full, django_capture_on_commit_callbacks
):
    _, waiting = full
    client = client_for(w.coordinator)
    confirm = client.get(_cancel_url(waiting)).content.decode()
    assert "not charged on invoice" in confirm and "nothing is credited" in confirm
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_cancel_url(waiting))
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.CANCELLED and not waiting.is_charged_when_cancelled
    assert not CreditNote.objects.exists() and mail.outbox == []
    assert selectors.invoice_lines(waiting.booking) == []
    assert selectors.invoice_total(waiting.booking) == Decimal("0.00")


def test_it_continues_one_credit_note_sequence_across_withdrawals_and_cancellations(w):
    one, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]], on=TODAY)
    two, _ = book(w, w.isqam_original, [w.staff[2], w.staff[3]], on=TODAY)
    a, b = one.enrolments.order_by("pk")
    _, withdrawn, _ = services.enrolment_withdraw(actor=w.admin, enrolment=a, on=TODAY, reason="Left")
    cancelled = services.enrolment_cancel(actor=w.coordinator, enrolment=b).credit_notes
    whole = services.booking_cancel(actor=w.coordinator, booking=two).credit_notes
    numbers = [withdrawn.number] + [c.number for c in cancelled + whole]
    assert numbers == [
        f"CN-{TODAY.year}-00001",
        f"CN-{TODAY.year}-00002",
        f"CN-{TODAY.year}-00003",
        f"CN-{TODAY.year}-00004",
    ]
    assert [c.amount for c in whole] == [Decimal("650.00"), Decimal("650.00")]  # ISQAM original, HMC member


def test_it_cancels_a_whole_invoiced_booking_after_a_confirmation_listing_each_credit(w):
    booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]], on=TODAY)
    client = client_for(w.coordinator)
    url = reverse("qualifications:booking_cancel", args=[booking.pk])
    confirm = client.get(url).content.decode()
    assert confirm.count("a credit note for £499.00") == 2 and "Cancel the booking" in confirm
    assert not CreditNote.objects.exists()
    page = client.post(url, follow=True).content.decode()
    assert f"Credit notes CN-{TODAY.year}-00001 for £499.00, CN-{TODAY.year}-00002 for £499.00 issued" in page
    assert selectors.invoice_total(booking) == Decimal("0.00")


def test_it_leaves_everything_unchanged_when_a_credit_note_cannot_be_saved(w):
    """One transaction: a failure on the second place's credit note undoes the whole booking's cancellation."""
    booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]], on=TODAY)
    real_save = CreditNote.save
    calls = []

    def fail_second(self, *args, **kwargs):
        calls.append(self.number)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_save(self, *args, **kwargs)

    with mock.patch.object(CreditNote, "save", fail_second), pytest.raises(RuntimeError):
        services.booking_cancel(actor=w.coordinator, booking=booking)
    assert not CreditNote.objects.exists()
    assert set(booking.enrolments.values_list("status", flat=True)) == {Enrolment.Status.ENROLLED}
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.ACTIVE
    # The numbers taken inside the failed transaction are given back with it.
    place = booking.enrolments.order_by("pk").first()
    assert (
        services.enrolment_cancel(actor=w.coordinator, enrolment=place).credit_notes[0].number
        == f"CN-{TODAY.year}-00001"
    )


def test_it_refuses_a_place_already_cancelled_with_the_reason(w, full):
    place, _ = full
    services.enrolment_cancel(actor=w.coordinator, enrolment=place)
    with pytest.raises(ValidationError, match="place is cancelled, so it cannot be cancelled"):
        services.enrolment_cancel(actor=w.coordinator, enrolment=place)
    client = client_for(w.coordinator)
    response = client.get(_cancel_url(place), follow=True)
    assert "place is cancelled, so it cannot be cancelled" in response.content.decode()
    assert client.post(_cancel_url(place)).status_code == 302
    assert CreditNote.objects.count() == 1


def test_it_emails_the_credit_note_to_the_booker_after_commit(w, full, django_capture_on_commit_callbacks):
    place, _ = full
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (credit,) = services.enrolment_cancel(actor=w.coordinator, enrolment=place).credit_notes
    assert mail.outbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    sent = [m for m in mail.outbox if credit.number in m.subject]
    assert len(sent) == 1 and sent[0].to == [w.coordinator.email]
    assert place.booking.invoice_number in sent[0].subject and "£499.00" in sent[0].body
    assert "is cancelled" in sent[0].body and "cancellation before the first training day" in sent[0].body
    ((name, content, mimetype),) = sent[0].attachments
    assert name == f"credit-note-{credit.number}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")


def test_it_emails_a_withdrawals_credit_note_the_same_way(w, full, django_capture_on_commit_callbacks):
    place, _ = full
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _, credit, _ = services.enrolment_withdraw(actor=w.admin, enrolment=place, on=TODAY, reason="Left")
    (sent,) = [m for m in mail.outbox if credit.number in m.subject]
    assert sent.to == [w.coordinator.email] and "is withdrawn" in sent.body


def test_it_sends_no_credit_note_when_the_cancellation_is_rolled_back(
    w, full, django_capture_on_commit_callbacks
):
    place, _ = full
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        mock.patch.object(booking_services, "promote_waiting", side_effect=RuntimeError("lock lost")),
        pytest.raises(RuntimeError),
    ):
        services.enrolment_cancel(actor=w.coordinator, enrolment=place)
    assert mail.outbox == [] and not CreditNote.objects.exists()


@outsider_test("qualifications:enrolment_cancel", "qualifications:booking_cancel")
def test_it_hides_cancelling_from_another_organisation(w, full):
    place, _ = full
    for user in (riverside_coordinator(w), w.school.outsider, other_provider_admin()):
        client = client_for(user)
        assert_outsider_404(client, _cancel_url(place))
        assert_outsider_404(client, _cancel_url(place), "post")
        booking_url = reverse("qualifications:booking_cancel", args=[place.booking_id])
        assert_outsider_404(client, booking_url)
        assert_outsider_404(client, booking_url, "post")
    place.refresh_from_db()
    assert place.status == Enrolment.Status.ENROLLED and not CreditNote.objects.exists()


def test_it_refuses_cancelling_to_the_participant_mentor_and_facilitator(w, full):
    place, _ = full
    facilitator = staff_user(w.provider, "fay@hmcpd.test", "Fay Facilitator")
    RoleFactory(organisation=w.provider, user=facilitator, role=Role.FACILITATOR)
    booking_url = reverse("qualifications:booking_cancel", args=[place.booking_id])
    for user in (place.participant, place.mentor, facilitator):
        client = client_for(user)
        assert client.get(_cancel_url(place)).status_code == 403
        assert client.post(_cancel_url(place)).status_code == 403
        assert client.post(booking_url).status_code == 403
    place.refresh_from_db()
    assert place.status == Enrolment.Status.ENROLLED and not CreditNote.objects.exists()
