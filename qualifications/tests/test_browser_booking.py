"""A school's CPD coordinator books two staff into a cluster and downloads the invoice, in Chromium,
with axe-core on every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.testing.browser import axe_check, sign_in, visit
from qualifications.models import Booking, Enrolment, TrainingDay
from qualifications.tests.helpers import build_qual_world, current_academic_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_books_two_staff_into_a_cluster_and_downloads_the_invoice(page, live_server):
    w = build_qual_world()
    sign_in(page, live_server.url, w.coordinator)
    visit(page, f"{live_server.url}/qualifications/")
    page.get_by_role("link", name=f"ISQAM {current_academic_year().name}").click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_role("link", name="Book places in ISQAM L1 Online").click()
    page.wait_for_load_state()
    axe_check(page)
    assert "£499.00 per participant" in page.content()
    for n, (participant, mentor) in enumerate(
        [("Teacher1 Oak", "Mona Mentor"), ("Teacher2 Oak", "Mona Mentor")], 1
    ):
        page.get_by_label(f"Participant (place {n})", exact=True).select_option(label=participant)
        page.get_by_label(f"Mentor (place {n})", exact=True).select_option(label=mentor)
    page.get_by_role("button", name="Book places").click()
    page.wait_for_load_state()
    axe_check(page)
    booking = Booking.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == f"Booking {booking.invoice_number}"
    assert booking.enrolments.filter(status=Enrolment.Status.ENROLLED).count() == 2
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download invoice {booking.invoice_number} (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"invoice-{booking.invoice_number}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_it_passes_axe_on_the_provider_and_participant_pages(page, live_server):
    from qualifications.tests.helpers import book

    w = build_qual_world()
    booking, _ = book(w, w.isqam_online, [w.staff[0]])
    # Attendance is taken on the day or after it: a training day that has come (the world's first is ahead).
    came = w.isqam_online.training_days.first()
    TrainingDay.objects.filter(pk=came.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    sign_in(page, live_server.url, w.admin)
    for path in [
        "/qualifications/provider/",
        f"/qualifications/clusters/{w.isqam_online.pk}/",
        f"/qualifications/editions/{w.plq.pk}/",
        f"/qualifications/editions/{w.plq.pk}/clone/",
        f"/qualifications/clusters/{w.isqam_online.pk}/sessions/new/",
        f"/qualifications/sessions/{came.pk}/attendance/",
        f"/qualifications/bookings/{booking.pk}/",
        "/qualifications/participants/",
        "/qualifications/provider/invoice-settings/",
    ]:
        visit(page, f"{live_server.url}{path}")
    page.context.clear_cookies()
    sign_in(page, live_server.url, w.staff[0])
    visit(page, f"{live_server.url}/qualifications/my-places/")
    assert "ISQAM L1 Online" in page.content()
    visit(page, f"{live_server.url}/")
