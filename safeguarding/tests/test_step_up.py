"""Step-up: a child's safeguarding records need a second factor verified within the window (15 minutes)."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.testing.personas import build_school_world, client_for
from safeguarding import stepup

from .helpers import log, stepped_up

pytestmark = pytest.mark.django_db

NOW = 1_800_000_000.0


def test_it_is_fresh_inside_the_window_and_stale_after(settings):
    """Verified 14 min 59 s ago: fresh; 15 min 1 s ago: stale; never verified: stale."""
    settings.SAFEGUARDING_STEP_UP_MINUTES = 15
    session: dict = {}
    assert not stepup.is_fresh(session, now=NOW)
    stepup.stamp(session, NOW - 899)
    assert stepup.is_fresh(session, now=NOW)
    stepup.stamp(session, NOW - 901)
    assert not stepup.is_fresh(session, now=NOW)


def test_it_follows_the_setting(settings):
    """A school setting of 5 minutes makes a 6-minute-old verification stale."""
    settings.SAFEGUARDING_STEP_UP_MINUTES = 5
    session = {stepup.SESSION_KEY: NOW - 6 * 60}
    assert not stepup.is_fresh(session, now=NOW)


def test_it_asks_for_a_code_after_the_window_and_not_before():
    """The DSL's concern page opens when verified 10 minutes ago, and redirects to step-up when 16 minutes ago."""
    world = build_school_world()
    concern = log(world)
    url = reverse("safeguarding:concern_detail", args=[concern.pk])
    assert stepped_up(world.dsl, at=time.time() - 10 * 60).get(url).status_code == 200
    response = stepped_up(world.dsl, at=time.time() - 16 * 60).get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("safeguarding:step_up"))
    assert client_for(world.dsl).get(url).status_code == 302  # signed in with 2FA, but never stepped up


def test_it_verifies_a_fresh_code_and_returns_to_the_record():
    """A right code stamps the session and goes back to the record; a wrong one is refused."""
    world = build_school_world()
    concern = log(world)
    client = client_for(world.dsl)
    device = TOTPDevice.objects.get(user=world.dsl)
    target = reverse("safeguarding:concern_detail", args=[concern.pk])
    step = reverse("safeguarding:step_up")
    wrong = client.post(step, {"token": "000000" if _code(device) != "000000" else "111111", "next": target})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    device.throttle_reset()
    right = client.post(step, {"token": _code(device), "next": target})
    assert right.status_code == 302 and right.url == target
    assert client.get(target).status_code == 200


def test_it_refuses_an_outside_address_after_step_up():
    """The step-up page never sends the user to another site."""
    world = build_school_world()
    client = client_for(world.dsl)
    device = TOTPDevice.objects.get(user=world.dsl)
    response = client.post(
        reverse("safeguarding:step_up"), {"token": _code(device), "next": "https://evil.test/"}
    )
    assert response.url == reverse("safeguarding:queue")


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
