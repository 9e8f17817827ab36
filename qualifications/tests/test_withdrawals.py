"""Withdrawing a participant: confirmation, the place passed to the waiting list, a numbered credit note by the
edition's refund rule (full before the first training day, none after, unless the provider sets otherwise),
a PDF like the invoice, all in one audited transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from access.roles import Role
from audit.models import AuditEvent
from core.testing.factories import RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from qualifications import selectors, services
from qualifications.models import CreditNote, Enrolment
from qualifications.tests.helpers import FIRST_DAY, TODAY, book, build_qual_world, staff_user
from qualifications.tests.test_views import other_provider_admin, riverside_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_qual_world()


def _withdraw_url(enrolment: Enrolment) -> str:
    return reverse("qualifications:enrolment_withdraw", args=[enrolment.pk])


def test_it_withdraws_frees_the_place_and_credits_the_whole_fee_before_the_first_day(w, full):
    place, waiting = full
    client = client_for(w.coordinator)
    confirm = client.get(_withdraw_url(place)).content.decode()
    assert "a credit note for £499.00" in confirm and "Withdraw the participant" in confirm
    response = client.post(
        _withdraw_url(place), {"withdrawn_on": TODAY.isoformat(), "reason": "Moved to another school"}
    )
    assert response.status_code == 302
    place.refresh_from_db()
    waiting.refresh_from_db()
    assert place.status == Enrolment.Status.WITHDRAWN
    assert place.withdrawn_on == TODAY and place.withdrawal_reason == "Moved to another school"
    assert place.withdrawn_by == w.coordinator
    assert waiting.status == Enrolment.Status.ENROLLED
    credit = CreditNote.objects.get(enrolment=place)
    assert credit.amount == Decimal("499.00") and credit.percent == 100
    assert credit.number.startswith(f"CN-{TODAY.year}-") and credit.booking == place.booking
    assert AuditEvent.objects.filter(
        object_type="qualifications.Enrolment", object_id=str(place.pk), note__contains="Withdrew"
    ).exists()
    # The invoice still charges the place and the credit note offsets it.
    assert selectors.invoice_charges(place.booking) == Decimal("499.00")
    assert selectors.invoice_total(place.booking) == Decimal("0.00")


def test_it_credits_nothing_on_or_after_the_first_training_day_by_default(w, full):
    place, _ = full
    _, credit, promoted = services.enrolment_withdraw(
        actor=w.admin,
        enrolment=place,
        on=FIRST_DAY,
        reason="Long-term illness",
        today=FIRST_DAY + datetime.timedelta(days=1),
    )
    assert credit is None and len(promoted) == 1
    assert not CreditNote.objects.exists()
    assert selectors.invoice_total(place.booking) == Decimal("499.00")


def test_it_applies_the_providers_own_refund_rule(w, full):
    """The documents say nothing about refunds: the provider sets the shares on the edition."""
    place, _ = full
    w.isqam.refund_before_start_percent = 80
    w.isqam.refund_after_start_percent = 25
    w.isqam.save()
    _, credit, _ = services.enrolment_withdraw(
        actor=w.admin, enrolment=place, on=FIRST_DAY, reason="Left", today=FIRST_DAY
    )
    assert credit.amount == Decimal("124.75") and credit.percent == 25
    assert "on or after the first training day" in credit.rule


def test_it_numbers_credit_notes_in_sequence_per_provider(w):
    booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]], on=TODAY)
    a, b = booking.enrolments.order_by("pk")
    _, first, _ = services.enrolment_withdraw(actor=w.admin, enrolment=a, on=TODAY, reason="r")
    _, second, _ = services.enrolment_withdraw(actor=w.admin, enrolment=b, on=TODAY, reason="r")
    assert (first.number, second.number) == (f"CN-{TODAY.year}-00001", f"CN-{TODAY.year}-00002")


def test_it_refuses_a_future_date_an_empty_reason_and_a_waiting_place(w, full):
    place, waiting = full
    client = client_for(w.admin)
    page = client.post(
        _withdraw_url(place),
        {"withdrawn_on": (TODAY + datetime.timedelta(days=2)).isoformat(), "reason": " "},
    ).content.decode()
    assert "cannot be in the future" in page and "This field is required" in page
    with pytest.raises(ValidationError, match="Only an enrolled participant"):
        services.enrolment_withdraw(actor=w.admin, enrolment=waiting, on=TODAY, reason="r")
    place.refresh_from_db()
    assert place.status == Enrolment.Status.ENROLLED and not CreditNote.objects.exists()


def test_it_leaves_everything_unchanged_when_the_credit_note_cannot_be_saved(w, full):
    """One transaction: a failure while issuing the credit note undoes the withdrawal and the promotion."""
    place, waiting = full
    with (
        mock.patch.object(CreditNote, "save", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.enrolment_withdraw(actor=w.admin, enrolment=place, on=TODAY, reason="r")
    place.refresh_from_db()
    waiting.refresh_from_db()
    assert place.status == Enrolment.Status.ENROLLED and place.withdrawn_on is None
    assert waiting.status == Enrolment.Status.WAITLISTED


def test_it_gives_the_credit_note_as_a_pdf_and_lists_it_on_the_booking_and_invoice(w, full):
    place, _ = full
    _, credit, _ = services.enrolment_withdraw(actor=w.admin, enrolment=place, on=TODAY, reason="Left")
    client = client_for(w.coordinator)
    pdf = client.get(reverse("qualifications:credit_note_pdf", args=[credit.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and credit.number in pdf["Content-Disposition"]
    page = client.get(reverse("qualifications:booking_detail", args=[place.booking_id])).content.decode()
    assert credit.number in page and "Withdrawn" in page
    invoice = client.get(reverse("qualifications:booking_invoice", args=[place.booking_id]))
    assert invoice.status_code == 200


@outsider_test("qualifications:enrolment_withdraw", "qualifications:credit_note_pdf")
def test_it_hides_withdrawal_and_credit_notes_from_outsiders(w, full):
    place, _ = full
    other = book(w, w.isqam_original, [w.staff[2]], on=TODAY)[0].enrolments.get()
    _, credit, _ = services.enrolment_withdraw(actor=w.admin, enrolment=other, on=TODAY, reason="r")
    for user in (riverside_coordinator(w), w.school.outsider, other_provider_admin()):
        client = client_for(user)
        assert_outsider_404(client, _withdraw_url(place))
        assert_outsider_404(
            client, _withdraw_url(place), "post", {"withdrawn_on": TODAY.isoformat(), "reason": "x"}
        )
        assert_outsider_404(client, reverse("qualifications:credit_note_pdf", args=[credit.pk]))
    place.refresh_from_db()
    assert place.status == Enrolment.Status.ENROLLED


def test_it_refuses_withdrawal_and_credit_notes_to_the_participant_mentor_and_facilitator(w, full):
    place, _ = full
    other = book(w, w.isqam_original, [w.staff[2]], on=TODAY)[0].enrolments.get()
    _, credit, _ = services.enrolment_withdraw(actor=w.admin, enrolment=other, on=TODAY, reason="r")
    facilitator = staff_user(w.provider, "fay@hmcpd.test", "Fay Facilitator")
    RoleFactory(organisation=w.provider, user=facilitator, role=Role.FACILITATOR)
    for user in (place.participant, place.mentor, facilitator):
        client = client_for(user)
        assert client.get(_withdraw_url(place)).status_code == 403
        assert (
            client.post(_withdraw_url(place), {"withdrawn_on": TODAY.isoformat(), "reason": "x"}).status_code
            == 403
        )
        assert client.get(reverse("qualifications:credit_note_pdf", args=[credit.pk])).status_code == 403
    place.refresh_from_db()
    assert place.status == Enrolment.Status.ENROLLED


def test_it_nets_credit_notes_off_the_provider_figures(w):
    """The unpaid list, exports and fees by edition count the withdrawn place as charged less its credit."""
    from qualifications import selectors

    booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]], on=TODAY)
    place = booking.enrolments.order_by("pk").first()
    w.isqam.refund_before_start_percent = 50
    w.isqam.save()
    services.enrolment_withdraw(actor=w.admin, enrolment=place, on=TODAY, reason="Left")
    row = selectors.visible_bookings(w.admin).get(pk=booking.pk)
    assert row.amount == Decimal("748.50") and row.places == 1  # 2 × 499 less 249.50
    (isqam,) = [r for r in selectors.fees_by_edition(w.admin) if r["edition"] == w.isqam]
    assert isqam["total"] == Decimal("748.50") and isqam["unpaid"] == Decimal("748.50")
    assert selectors.invoice_total(booking) == Decimal("748.50")
