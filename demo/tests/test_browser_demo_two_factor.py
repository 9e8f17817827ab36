"""A printed demo login that needs a second factor signs in through the browser with its demo code."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import User
from accounts.tests.helpers import code_for
from core.testing.browser import axe_check
from demo.registry import DEMO_PASSWORD
from demo.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_signs_the_printed_participant_in_with_the_demo_code_and_lands_on_home(page, live_server):
    """The participant (made a head of year by a later builder) types the code `bin/pastoral code` prints."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    world = build_world(today=datetime.date(2026, 11, 23), pupils_per_school=30)
    [login] = [login for login in world.logins if login.role.startswith("Participant")]
    assert login.needs_two_factor
    user = User.objects.get(email=login.email)
    page.goto(f"{live_server.url}/accounts/login/")
    axe_check(page)
    page.get_by_label("E-mail address").fill(login.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/two-factor/" in page.url
    axe_check(page)
    device = TOTPDevice.objects.get(user=user, name="Demo authenticator", confirmed=True)
    page.get_by_label("Six-digit code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/") == live_server.url
    axe_check(page)
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Good") and user.get_short_name() in heading
    assert "Participant" in page.content()
