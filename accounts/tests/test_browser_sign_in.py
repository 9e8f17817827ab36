"""Signing in through the real pages, in Chromium, with axe-core on each page."""

from __future__ import annotations

import pytest

from core.testing.browser import sign_in, visit
from core.testing.personas import build_school_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_signs_a_dsl_in_with_a_second_factor_and_shows_their_pupils(page, live_server):
    world = build_school_world()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.dsl, name="phone", confirmed=True)
    sign_in(page, live_server.url, world.dsl)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Good")
    visit(page, f"{live_server.url}/pupils/?q=Alice")
    page.get_by_role("link", name="Archer, Alice").click()
    page.wait_for_load_state()
    assert "Parents and carers" in page.content()
