"""Reports to parents in Chromium, axe-core on every page: a PAL starts a batch for a small group, follows its
progress page and downloads the ZIP once the link appears."""

from __future__ import annotations

import io
import zipfile

import pytest

from caseloads.report_models import ReportBatch
from core.testing.browser import axe_check, sign_in, visit
from core.testing.personas import build_school_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pal_makes_a_groups_reports_and_downloads_the_zip(page, live_server):
    world = build_school_world()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.pal, name="phone", confirmed=True)
    base = live_server.url
    sign_in(page, base, world.pal)

    visit(page, f"{base}/caseloads/reports/")
    page.get_by_label("A group", exact=True).check()
    page.locator("#id_group").select_option(value=str(world.group_9a.pk))
    page.get_by_role("button", name="Make the reports").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    batch = ReportBatch.objects.get()
    assert page.url.endswith(f"/caseloads/reports/{batch.pk}/")
    axe_check(page)  # the progress page (or, once it has finished, the outcome)

    link = page.get_by_role("link", name="Download the reports (ZIP)")
    link.wait_for(timeout=120_000)  # the page reloads itself when the batch finishes
    axe_check(page)
    assert page.locator("#failed-count").inner_text() == "0"
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as fh:
        names = zipfile.ZipFile(io.BytesIO(fh.read())).namelist()
    assert len(names) == 2  # Alice and Ben, 9A
    visit(page, f"{base}/caseloads/reports/")  # the batch is listed
    assert page.get_by_role("link", name=f"{batch.title}: 9A").is_visible()
