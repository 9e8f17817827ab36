"""A senior leader reads the statistics, breaks them down by tutor group and asks for the governors' report, in
Chromium with axe-core on every page (charts drawn, a table beside each)."""

from __future__ import annotations

import datetime

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.testing.browser import axe_check, sign_in, visit
from core.testing.clock import fixed_clock
from core.testing.personas import build_school_world
from early_warning.tests.helpers import AT, grades, sessions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_senior_leader_reads_breaks_down_and_asks_for_the_report(page, live_server, monkeypatch):
    fixed_clock(monkeypatch, AT)
    world = build_school_world()
    sessions(world.alice, datetime.date(2026, 11, 16), ["I", "I", "O"] + ["/"] * 17)
    grades(world.alice, {"MA": [-1, -1], "EN": [-2, -2]})
    TOTPDevice.objects.create(user=world.senior, name="phone", confirmed=True)
    sign_in(page, live_server.url, world.senior)
    visit(page, f"{live_server.url}/insights/")
    page.get_by_label("Break down by").select_option(label="Tutor group")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    axe_check(page)
    assert "Figures by tutor group" in page.locator("main").inner_text()
    # Eighteen columns of figures scroll in their own box: the page itself is never wider than the window.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.get_by_role("region", name="Figures by tutor group").locator("table").count() == 1
    page.wait_for_function("document.querySelectorAll('canvas').length === 3")
    page.get_by_role("link", name="Governors’ termly report").click()
    page.wait_for_load_state()
    axe_check(page)
