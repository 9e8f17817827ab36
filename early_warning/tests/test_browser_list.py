"""A head of year filters the early-warning list, opens a student's explanation, marks them reviewed and exports
the list, in Chromium with axe-core on every page."""

from __future__ import annotations

import datetime

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.testing.browser import axe_check, sign_in, visit
from core.testing.clock import fixed_clock
from core.testing.personas import build_school_world
from early_warning.models import Review
from early_warning.tests.helpers import AT, grades, sessions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_filters_explains_reviews_and_exports(page, live_server, monkeypatch):
    fixed_clock(monkeypatch, AT)
    world = build_school_world()
    sessions(world.alice, datetime.date(2026, 11, 16), ["I", "I", "O"] + ["/"] * 17)
    grades(world.alice, {"MA": [-1, -1], "EN": [-2, -2]})
    sessions(world.cleo, datetime.date(2026, 11, 16), ["I"] * 10 + ["/"] * 10)
    TOTPDevice.objects.create(user=world.head_of_year9, name="phone", confirmed=True)
    sign_in(page, live_server.url, world.head_of_year9)
    visit(page, f"{live_server.url}/early-warning/")
    page.get_by_label("Group").select_option(label="9A")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    axe_check(page)
    table = page.get_by_role("table").inner_text()
    assert "Alice Archer" in table and "Cleo" not in table
    page.get_by_role("link", name="Alice Archer").click()
    page.wait_for_load_state()
    axe_check(page)
    assert "attendance 85.0% this year (below 90.0%): +3" in page.locator("main").inner_text()
    page.get_by_label("Support in place").fill("Mentoring twice a week; maths catch-up group.")
    page.get_by_role("button", name="Mark reviewed — support in place").click()
    page.wait_for_load_state()
    axe_check(page)
    assert "Reviewed — support in place (27 Nov 2026)" in page.locator("main").inner_text()
    assert Review.objects.get().pupil == world.alice
    visit(page, f"{live_server.url}/early-warning/")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        text = exported.read()
    assert "Alice Archer" in text and "Cleo Cole" in text
