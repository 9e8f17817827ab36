"""Every demo login signs in through the browser, lands on its home page, and every page its navigation
offers passes axe-core with no serious or critical violation."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from core.testing.browser import sign_in, visit
from core.testing.clock import fixed_clock
from demo.registry import DEMO_PASSWORD
from demo.tests.conftest import TODAY
from demo.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.django_db(transaction=True)]

# The logins in four parts, each its own test (and its own demo world), so the two test workers share the walk
# instead of one of them taking all of it at the end of the run.
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS), ids=lambda part: f"part {part + 1} of {PARTS}")
def test_it_signs_in_each_demo_role_and_walks_its_navigation(page, live_server, monkeypatch, part):
    # The world's day, and the pages' (a Monday in term, mid-morning), whatever day the test runs.
    fixed_clock(monkeypatch, timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(10, 30))))
    world = build_world(today=TODAY, pupils_per_school=40)
    assert len(world.logins) >= PARTS
    for login in world.logins[part::PARTS]:
        user = User.objects.get(email=login.email)
        sign_in(page, live_server.url, user, password=DEMO_PASSWORD)
        assert page.url.rstrip("/") == live_server.url, f"{login.email} landed on {page.url}"
        visit(page, live_server.url + "/")
        links = page.eval_on_selector_all("nav.main-nav a", "els => els.map(e => e.getAttribute('href'))")
        for href in dict.fromkeys(links):
            visit(page, live_server.url + href)
        if "/pupils/" in links:
            visit(page, live_server.url + "/pupils/")
            first = page.locator("table a").first
            if first.count():
                first.click()
                page.wait_for_load_state()
                visit(page, page.url)
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
