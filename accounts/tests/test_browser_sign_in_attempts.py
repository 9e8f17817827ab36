"""The throttle's explanation and the sign-in attempt pages, in Chromium, with axe-core on each page."""

from __future__ import annotations

import pytest

from accounts import services
from core.testing.browser import axe_check, sign_in, visit
from core.testing.personas import build_school_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_explains_the_wait_and_shows_the_administrator_the_account_under_attack(page, live_server):
    """Tess, after guesses from her network, is told how long to wait; Adam finds her account under attack."""
    world = build_school_world()
    for _ in range(5):  # from the browser's own address, so the sixth attempt there must wait
        services.sign_in_attempt(email=world.tutor.email, password="not-the-password", ip_address="127.0.0.1")
    for n in range(10):
        services.sign_in_attempt(
            email=world.tutor.email, password="not-the-password", ip_address=f"10.9.0.{n}"
        )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(world.tutor.email)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert").inner_text()
    assert "Too many attempts for this account from this network; try again in " in alert  # ≤ 30 seconds
    assert alert.rstrip().endswith("seconds.")
    axe_check(page)

    sign_in(page, live_server.url, world.admin)
    visit(page, f"{live_server.url}/accounts/under-attack/")
    page.get_by_role("link", name="Tess Tutor").click()
    page.wait_for_load_state()
    axe_check(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-ins of Tess Tutor"
    assert "10.9.0.9" in page.content()
    visit(page, f"{live_server.url}/accounts/sign-ins/")
    assert "Your account: recent sign-ins" in page.content()
