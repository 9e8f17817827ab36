"""Browser-test helpers: Playwright driving Debian's Chromium, with an axe-core check on every page."""

from __future__ import annotations

import os
import shutil
from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.testing.aria import MISSING_REFERENCES_JS
from core.testing.factories import TEST_PASSWORD

CHROMIUM = os.environ.get("PASTORAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


def axe_check(page: Any) -> None:
    """Fail on any serious or critical axe-core violation on the page as it stands, or on an aria-describedby or
    aria-labelledby naming an element that is not there."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"axe-core on {page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )
    # axe passes an aria-describedby when any one of its ids exists; every one must (a hint never read otherwise).
    missing = page.evaluate(MISSING_REFERENCES_JS)
    assert not missing, f"on {page.url} these point at no element: " + "; ".join(missing[:5])


def visit(page: Any, url: str) -> Any:
    """Go to a page, check it answered, and run axe-core on it."""
    response = page.goto(url)
    assert response is not None and response.status < 400, (
        f"{url} answered {response.status if response else 'nothing'}"
    )
    axe_check(page)
    return response


def sign_in(page: Any, base_url: str, user: Any, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real form; answer the two-factor step with the user's TOTP device if asked."""
    page.goto(f"{base_url}/accounts/login/")
    axe_check(page)
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        axe_check(page)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        assert device is not None, (
            f"{user.email} was asked for a second factor but has no authenticator (one is set up only from an "
            "e-mailed enrolment link)"
        )
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        page.get_by_label("Six-digit code from your authenticator app").fill(code)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    assert "/accounts/" not in page.url, f"sign-in as {user.email} stopped at {page.url}"
