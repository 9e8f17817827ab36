"""Fees from memberships on the booking date, frozen; prerequisites; capacity and the waiting list."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from access.models import RoleAssignment
from core.testing.factories import MembershipFactory, OrganisationFactory
from organisations.models import AssociationMembership
from qualifications import selectors, services
from qualifications.models import Booking, Enrolment
from qualifications.tests.helpers import TODAY, book, build_qual_world, safeguarded, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_qual_world()


def other_school(name: str, associations: tuple[str, ...] = ()):
    school = OrganisationFactory(name=name)
    for code in associations:
        MembershipFactory(organisation=school, association=code)
    return school


def quote(w, cluster, school, on=TODAY):
    return selectors.quote_fee(
        edition=cluster.edition, delivery_model=cluster.delivery_model, school=school, on=on
    )


def test_it_charges_the_fees_in_the_documents(w):
    """HMC ISQAM online £499, non-member £525; PLQ member £625; GSA on the ISQAM original model £650."""
    hmc = w.school.school
    non_member = other_school("Ashcombe School")
    gsa = other_school("Marlowe Girls' School", ("GSA",))
    assert quote(w, w.isqam_online, hmc).amount == Decimal("499.00")
    assert quote(w, w.isqam_online, non_member).amount == Decimal("525.00")
    assert quote(w, w.plq_l1, hmc).amount == Decimal("625.00")
    assert quote(w, w.plq_l1, non_member).amount == Decimal("650.00")
    assert quote(w, w.isqam_original, gsa).amount == Decimal("650.00")
    assert quote(w, w.isqam_original, non_member).amount == Decimal("675.00")
    assert quote(w, w.plqj_l1, hmc).amount == Decimal("650.00")
    assert quote(w, w.plqj_l1, non_member).amount == Decimal("675.00")


def test_it_charges_a_gsa_school_the_other_rate_for_the_plq(w):
    """PLQ membership means HMC: a GSA-only school pays £650."""
    assert quote(w, w.plq_l1, other_school("Marlowe", ("GSA",))).amount == Decimal("650.00")


def test_it_freezes_the_fee_on_the_booking_from_the_membership_on_the_booking_date(w):
    hmc = w.school.school
    booking, _ = book(w, w.isqam_online, [w.staff[0]])
    assert (booking.fee_per_place, booking.is_member, booking.associations) == (
        Decimal("499.00"),
        True,
        ["HMC"],
    )
    AssociationMembership.objects.filter(organisation=hmc).update(ends_on=TODAY)
    later = TODAY + datetime.timedelta(days=1)
    second, _ = book(w, w.isqam_online, [w.staff[1]], on=later)
    booking.refresh_from_db()
    assert booking.fee_per_place == Decimal("499.00")
    assert (second.fee_per_place, second.is_member) == (Decimal("525.00"), False)
    assert selectors.invoice_total(booking) == Decimal("499.00")


def test_it_refuses_a_plq_booking_without_safeguarding_training_with_the_reason(w):
    with pytest.raises(services.BookingRefused) as refused:
        book(w, w.plq_l1, [w.staff[0]])
    assert "no record of safeguarding training" in " ".join(refused.value.messages)
    assert not Booking.objects.exists()


def test_it_books_a_plq_place_once_safeguarding_training_is_recorded(w):
    record = safeguarded(w.school.school, w.staff[0])
    booking, warnings = book(w, w.plq_l1, [w.staff[0]])
    place = booking.enrolments.get()
    assert place.safeguarding_record == record and place.status == Enrolment.Status.ENROLLED
    assert warnings == [] and booking.fee_per_place == Decimal("625.00")


def test_it_warns_and_proceeds_for_level_2_without_level_1(w):
    safeguarded(w.school.school, w.staff[0])
    booking, warnings = book(w, w.plq_l2, [w.staff[0]])
    assert len(warnings) == 1 and "Level 1" in warnings[0]
    place = booking.enrolments.get()
    assert place.level1_warning and place.status == Enrolment.Status.ENROLLED


def test_it_does_not_warn_for_level_2_after_level_1(w):
    safeguarded(w.school.school, w.staff[0])
    book(w, w.plq_l1, [w.staff[0]])
    _, warnings = book(w, w.plq_l2, [w.staff[0]])
    assert warnings == []


def test_it_needs_the_ict_declaration_for_isqam_level_2(w):
    with pytest.raises(services.BookingRefused) as refused:
        book(w, w.isqam_l2, [w.staff[0]])
    assert "ICT" in " ".join(refused.value.messages)
    booking, _ = book(w, w.isqam_l2, [w.staff[0]], ict_declared=True)
    assert booking.enrolments.get().ict_declared


def test_it_allows_aspiring_participants_and_flags_them(w):
    booking, _ = book(w, w.isqam_online, [w.staff[0]], is_aspiring=True)
    assert booking.enrolments.get().is_aspiring


def test_it_needs_a_recorded_discussion_with_the_head_for_an_aspiring_plqj_participant(w):
    safeguarded(w.school.school, w.staff[0])
    with pytest.raises(services.BookingRefused) as refused:
        book(w, w.plqj_l1, [w.staff[0]], is_aspiring=True)
    assert "discussion with their Head" in " ".join(refused.value.messages)
    booking, _ = book(
        w,
        w.plqj_l1,
        [w.staff[0]],
        is_aspiring=True,
        head_discussion_on=datetime.date(2026, 11, 1),
        head_discussion_notes="Head supports taking the PLQJ now.",
    )
    assert booking.enrolments.get().head_discussion_on == datetime.date(2026, 11, 1)


def test_it_refuses_staff_of_another_school_and_self_mentoring(w):
    stranger = staff_user(w.school.other_school, "rita@riverside.test", "Rita River")
    with pytest.raises(services.BookingRefused) as refused:
        book(w, w.isqam_online, [stranger])
    assert "not a member of staff" in " ".join(refused.value.messages)
    with pytest.raises(services.BookingRefused):
        book(w, w.isqam_online, [w.staff[0]], mentor=w.staff[0])


def test_it_waitlists_the_next_booking_when_the_cluster_is_full_and_promotes_it_on_cancellation(
    w, django_capture_on_commit_callbacks
):
    w.isqam_online.capacity = 2
    w.isqam_online.save()
    first, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]])
    second, _ = book(w, w.isqam_online, [w.staff[2]])
    waiting = second.enrolments.get()
    assert waiting.status == Enrolment.Status.WAITLISTED
    assert selectors.invoice_total(second) == Decimal("0.00")
    mail.outbox.clear()
    cancelled = first.enrolments.get(participant=w.staff[0])
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.enrolment_cancel(actor=w.coordinator, enrolment=cancelled).promoted
    assert [p.pk for p in promoted] == [waiting.pk]
    assert "A place has become available" in [m.subject for m in mail.outbox]
    with pytest.raises(ValidationError):
        services.enrolment_cancel(actor=w.coordinator, enrolment=cancelled)
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.ENROLLED
    assert selectors.invoice_total(second) == Decimal("499.00")
    assert selectors.invoice_total(first) == Decimal("499.00")


def test_it_fills_a_booking_partly_and_waitlists_the_rest(w):
    w.isqam_online.capacity = 1
    w.isqam_online.save()
    booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]])
    statuses = sorted(booking.enrolments.values_list("status", flat=True))
    assert statuses == [Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED]


def test_it_cancels_a_whole_booking_and_promotes_another_schools_waiting_place(w):
    w.isqam_online.capacity = 1
    w.isqam_online.save()
    first, _ = book(w, w.isqam_online, [w.staff[0]])
    second, _ = book(w, w.isqam_online, [w.staff[1]])
    promoted = services.booking_cancel(actor=w.coordinator, booking=first).promoted
    first.refresh_from_db()
    assert first.status == Booking.Status.CANCELLED
    assert [p.pk for p in promoted] == [second.enrolments.get().pk]


def test_it_numbers_invoices_in_sequence_and_grants_participant_and_mentor_roles(w):
    a, _ = book(w, w.isqam_online, [w.staff[0]])
    b, _ = book(w, w.isqam_online, [w.staff[1]])
    assert a.invoice_number == f"INV-{TODAY.year}-00001" and b.invoice_number == f"INV-{TODAY.year}-00002"
    assert RoleAssignment.objects.filter(
        user=w.staff[0], role="participant", organisation=w.school.school
    ).exists()
    assert (
        RoleAssignment.objects.filter(user=w.mentor, role="mentor", organisation=w.school.school).count() == 1
    )


def test_it_refuses_the_same_participant_twice_in_one_level(w):
    book(w, w.isqam_online, [w.staff[0]])
    with pytest.raises(services.BookingRefused) as refused:
        book(w, w.isqam_original, [w.staff[0]])
    assert "already has a place" in " ".join(refused.value.messages)


def test_it_emails_the_booker_that_the_booking_is_received_only_once_it_commits(
    w, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]])
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    (sent,) = mail.outbox
    assert sent.subject == f"Booking {booking.invoice_number} received: invoice attached"
    assert sent.to == [w.coordinator.email]
    assert "2 place(s)" in sent.body
