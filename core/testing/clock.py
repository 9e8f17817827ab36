"""A clock for tests that speak of "today" through pages that take no date (home panels, today's registers)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone


def weekday_on_or_before(day: datetime.date) -> datetime.date:
    """`day`, or the Friday before it when it falls on a weekend."""
    return day - datetime.timedelta(days=max(0, day.weekday() - 4))


def weekday_clock(monkeypatch: Any) -> datetime.date:
    """On a Saturday or Sunday, move Django's clock back to the Friday before (same time of day); return today.

    The test worlds record no term dates, so their school days are the weekdays less closures
    (organisations/calendar.py): a test that needs today to be a school day asks for this and runs the same on any
    day of the week. Only `django.utils.timezone.now` moves (and `localdate`/`localtime`, which read it); `time.time`
    does not, so sign-in sessions and TOTP codes work as usual.
    """
    today = timezone.localdate()
    shift = today - weekday_on_or_before(today)
    if shift.days:
        monkeypatch.setattr(timezone, "now", lambda: datetime.datetime.now(tz=datetime.UTC) - shift)
    return timezone.localdate()


def fixed_clock(monkeypatch: Any, at: datetime.datetime) -> datetime.date:
    """Stop Django's clock at `at` (an aware datetime) for pages that read today themselves; return that date."""
    monkeypatch.setattr(timezone, "now", lambda: at)
    return timezone.localdate()
