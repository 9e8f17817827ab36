"""The demo's certified participant was booked as any place is: at the edition's fee for her school, on a
normally numbered invoice, by the school's CPD coordinator, and paid."""

from __future__ import annotations

import datetime

import pytest

from core.testing.factories import AcademicYearFactory
from portfolios.demo import build_demo
from portfolios.models import Certificate
from qualifications.demo import build_demo as build_qualifications_demo
from qualifications.selectors import is_overdue, quote_fee
from qualifications.tests.test_demo import small_world

pytestmark = pytest.mark.django_db


def test_it_books_the_certified_participant_at_the_editions_fee_by_the_coordinator_and_paid() -> None:
    """Grace's booking: the edition's member fee (not a fixed £625), an INV- number, booked by the coordinator,
    paid and never overdue."""
    world = small_world()
    world.previous_year = AcademicYearFactory(
        name="2025-26", starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2026, 8, 31)
    )
    build_qualifications_demo(world)
    build_demo(world)
    enrolment = Certificate.objects.get().portfolio.enrolment
    booking = enrolment.booking
    quote = quote_fee(
        edition=booking.edition,
        delivery_model=booking.cluster.delivery_model,
        school=booking.organisation,
        on=booking.booked_on,
    )
    assert booking.fee_per_place == quote.amount == enrolment.fee
    assert booking.is_member == quote.is_member
    assert booking.invoice_number.startswith("INV") and not booking.invoice_number.startswith("PF-")
    assert booking.booked_by == world.users["cpd_coordinator"]
    assert booking.booked_by != enrolment.mentor
    assert booking.paid and booking.paid_on is not None
    assert not is_overdue(booking, today=world.today)
