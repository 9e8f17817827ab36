"""Setting up the second factor in Chromium: the password, the e-mailed link, the key, recovery codes (axe on each)."""

from __future__ import annotations

import pytest

from accounts.models import EnrolmentLink
from accounts.tests.helpers import RECOVERY_CODE, code_for, enrolment_link_paths
from core.testing.browser import axe_check, visit
from core.testing.factories import TEST_PASSWORD
from core.testing.personas import build_school_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_sets_up_a_dsls_authenticator_from_the_emailed_link(page, live_server):
    """After the password, the DSL is told to check their e-mail; the link shows the key; a code finishes it."""
    world = build_school_world()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(world.dsl.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    axe_check(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail for the enrolment link"
    assert page.locator("svg").count() == 0
    [path] = enrolment_link_paths(world.dsl.email)
    visit(page, live_server.url + path)
    assert page.locator(".qr svg").count() == 1
    device = EnrolmentLink.objects.get(user=world.dsl).device
    page.get_by_label("Six-digit code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    axe_check(page)
    assert len(RECOVERY_CODE.findall(page.content())) == 10
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Good")
