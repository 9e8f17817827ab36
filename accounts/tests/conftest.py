"""A clock the sign-in tests move by hand, so no test sleeps or depends on the day it runs."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.helpers import committed  # noqa: F401
from core.testing.factories import TEST_PASSWORD

# A Monday morning in term; any moment would do, the tests only move forward from it.
START = datetime.datetime(2030, 1, 14, 8, 0, tzinfo=datetime.UTC)


class Clock:
    def __init__(self, now: datetime.datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> datetime.datetime:
        self.now += datetime.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """`django.utils.timezone.now` answers this clock's time (set before the world is built, so role dates agree)."""
    fixed = Clock(START)
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


def post_sign_in(
    client: Client, email: str, password: str = TEST_PASSWORD, *, ip: str, agent: str = "Mozilla/5.0 (Test)"
):  # type: ignore[no-untyped-def]
    """Post the sign-in form from `ip` with browser `agent`."""
    return client.post(
        reverse("accounts:login"),
        {"email": email, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=agent,
    )
