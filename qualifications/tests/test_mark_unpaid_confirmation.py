"""Reopening a paid invoice ("Mark as unpaid") asks for confirmation first, like cancelling a booking; marking
paid stays one click."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from access.roles import Role
from core.testing.factories import OrganisationFactory, RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from qualifications import services
from qualifications.models import Booking
from qualifications.tests.helpers import build_qual_world, staff_user

pytestmark = pytest.mark.django_db
PAID_ON = datetime.date(2026, 10, 1)


@pytest.fixture
def w():
    return build_qual_world()


@pytest.fixture
def paid(w, booked):
    return services.booking_set_paid(actor=w.admin, booking=booked, paid=True, on=PAID_ON)


def test_it_marks_an_invoice_paid_in_one_click(w, booked):
    """An unpaid invoice offers "Mark as paid", which posts straight away."""
    admin = client_for(w.admin)
    page = admin.get(reverse("qualifications:booking_detail", args=[booked.pk])).content.decode()
    assert "Mark as paid" in page and reverse("qualifications:booking_unpaid", args=[booked.pk]) not in page
    admin.post(reverse("qualifications:booking_paid", args=[booked.pk]), {"paid": "1"})
    assert Booking.objects.get(pk=booked.pk).paid


def test_it_asks_before_marking_a_paid_invoice_unpaid(w, paid):
    """A paid invoice links to a confirmation page; only its POST reopens the invoice."""
    admin = client_for(w.admin)
    url = reverse("qualifications:booking_unpaid", args=[paid.pk])
    assert url in admin.get(reverse("qualifications:booking_detail", args=[paid.pk])).content.decode()
    page = admin.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert f"Mark invoice {paid.invoice_number} as unpaid?" in text and "1 October 2026" in text
    assert "Go back and keep it paid" in text
    assert Booking.objects.get(pk=paid.pk).paid
    admin.post(url)
    reopened = Booking.objects.get(pk=paid.pk)
    assert not reopened.paid and reopened.paid_on is None


def test_it_never_reopens_an_invoice_by_the_one_click_form(w, paid):
    """The old one-click POST (paid=0) leads to the confirmation page and changes nothing."""
    response = client_for(w.admin).post(reverse("qualifications:booking_paid", args=[paid.pk]), {"paid": "0"})
    assert response.url == reverse("qualifications:booking_unpaid", args=[paid.pk])
    assert Booking.objects.get(pk=paid.pk).paid


def test_it_refuses_the_coordinator_reopening_an_invoice(w, paid):
    """The school's CPD coordinator sees the booking but may not mark it unpaid: 403, and it stays paid."""
    coordinator = client_for(w.coordinator)
    url = reverse("qualifications:booking_unpaid", args=[paid.pk])
    assert coordinator.get(url).status_code == 403
    assert coordinator.post(url).status_code == 403
    assert Booking.objects.get(pk=paid.pk).paid


@outsider_test("qualifications:booking_unpaid")
def test_it_hides_the_unpaid_confirmation_from_other_providers_and_schools(w, paid):
    """Another provider's administrator and another school's coordinator get 404."""
    org = OrganisationFactory(name="Other Provider", kind="provider")
    other_admin = staff_user(org, "oona@other.test", "Oona Other")
    RoleFactory(organisation=org, user=other_admin, role=Role.PROGRAMME_ADMIN)
    riverside = staff_user(w.school.other_school, "ricky@riverside.test", "Ricky Coordinator")
    RoleFactory(organisation=w.school.other_school, user=riverside, role=Role.CPD_COORDINATOR)
    url = reverse("qualifications:booking_unpaid", args=[paid.pk])
    for user in (other_admin, riverside):
        assert_outsider_404(client_for(user), url)
        assert_outsider_404(client_for(user), url, "post")
    assert Booking.objects.get(pk=paid.pk).paid


def test_it_refuses_the_confirmation_to_a_participant_a_mentor_and_a_facilitator(w, paid):
    """Oakfield's participant and mentor and the provider's facilitator reach the booking's organisations but may not
    reopen its invoice: 403 on the page and on its POST, and it stays paid."""
    url = reverse("qualifications:booking_unpaid", args=[paid.pk])
    for user in (w.staff[0], w.mentor, w.facilitator):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    assert Booking.objects.get(pk=paid.pk).paid
