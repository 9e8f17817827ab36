"""What accounts add to the navigation, and the sign-in attempts' retention job."""

from __future__ import annotations

from django.conf import settings

from accounts import services
from accounts.permissions import SIGN_IN_WATCHERS
from core.registry import register_nav
from core.retention import PEOPLE, register_retention

register_nav("Accounts under attack", "accounts:under_attack", roles=SIGN_IN_WATCHERS, order=91)
register_nav("Your sign-ins", "accounts:my_sign_ins", order=99)


def _retention_total(done: list[int], verb: str) -> str:
    return f"{sum(done)} sign-in attempt(s) older than {settings.SIGN_IN_ATTEMPT_RETENTION_DAYS} days {verb}."


# Sign-in attempts (time, address, browser) older than SIGN_IN_ATTEMPT_RETENTION_DAYS days (90): they belong to
# people, not organisations, so the job runs once a run and not when one organisation is asked for.
register_retention(
    "sign_in",
    lambda *, organisation, today: services.sign_in_retention_count(today=today),
    lambda *, organisation, today: services.sign_in_retention_apply(today=today),
    line=lambda organisation, counts, verb: None,
    total=_retention_total,
    holders=PEOPLE,
)
