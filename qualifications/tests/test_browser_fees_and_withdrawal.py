"""In Chromium with axe-core on every page: the administrator adds and retires a fee; the school's coordinator
withdraws a participant and downloads the credit note."""

from __future__ import annotations

import pytest

from core.testing.browser import axe_check, sign_in, visit
from qualifications.models import CreditNote, Enrolment
from qualifications.tests.helpers import book, build_qual_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_adds_and_retires_a_fee_on_screen(page, live_server):
    w = build_qual_world()
    sign_in(page, live_server.url, w.admin)
    visit(page, f"{live_server.url}/qualifications/editions/{w.plqj.pk}/fees/")
    page.get_by_role("link", name="Add a fee").click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_label("Delivery model").select_option(value="online")
    page.get_by_label("Schools").select_option(label="Member schools")
    page.get_by_label("Fee per participant per level (£)").fill("480")
    page.get_by_role("button", name="Save the fee").click()
    page.wait_for_load_state()
    axe_check(page)
    assert w.plqj.fee_rules.get(delivery_model="online").amount == 480
    page.get_by_role("link", name="Retire the fee for Online cluster, member schools").click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_role("button", name="Retire the fee").click()
    page.wait_for_load_state()
    axe_check(page)
    assert "Retired fees" in page.content()
    assert w.plqj.fee_rules.get(delivery_model="online").retired_at is not None


def test_it_withdraws_a_participant_and_downloads_the_credit_note(page, live_server):
    w = build_qual_world()
    booking, _ = book(w, w.isqam_online, [w.staff[0]])
    sign_in(page, live_server.url, w.coordinator)
    visit(page, f"{live_server.url}/qualifications/bookings/{booking.pk}/")
    page.get_by_role("link", name="Withdraw Teacher1 Oak").click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_label("Reason for the withdrawal").fill("Has taken a post at another school.")
    page.get_by_role("button", name="Withdraw the participant").click()
    page.wait_for_load_state()
    axe_check(page)
    assert CreditNote.objects.exists(), page.content()[-3000:]
    credit = CreditNote.objects.get()
    assert booking.enrolments.get().status == Enrolment.Status.WITHDRAWN
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download credit note {credit.number} (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"credit-note-{credit.number}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
