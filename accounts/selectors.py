"""Reads about signing in: the throttle's answer for an attempt, a user's recent sign-ins, accounts under attack,
a person's second factor and their enrolment links."""

from __future__ import annotations

import datetime
import ipaddress
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import RoleAssignment
from accounts.models import EnrolmentLink, RecoveryCode, SignInAttempt, User

Outcome = SignInAttempt.Outcome


def network_of(ip_address: str | None) -> str:
    """What the throttle counts by: an IPv4 address itself, an IPv6 address's /64 (a household or a phone is given
    a whole /64, so counting single IPv6 addresses would let one attacker through 2^64 times)."""
    if not ip_address:
        return ""
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _window() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def known_networks(user: User, *, now: datetime.datetime) -> set[str]:
    """The networks the user signed in from (right password) in the last `LOGIN_KNOWN_NETWORK_DAYS` days."""
    since = now - datetime.timedelta(days=settings.LOGIN_KNOWN_NETWORK_DAYS)
    return set(
        SignInAttempt.objects.filter(user=user, outcome=Outcome.SUCCESS, at__gte=since)
        .exclude(network="")
        .values_list("network", flat=True)
        .distinct()
    )


def unknown_network_limit() -> int:
    """Failures an hour an account may have before addresses the user has not used are held back: nine tenths of
    the ceiling, so the last tenth stays for the user's own networks."""
    return settings.LOGIN_FAILURE_LIMIT - settings.LOGIN_FAILURE_LIMIT // 10


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is not even checked, and how long until one would be."""

    # "network": this account from this network; "account": this account from networks not its own.
    reason: str
    wait: datetime.timedelta
    known_network: bool = False

    @property
    def wait_text(self) -> str:
        seconds = max(1, math.ceil(self.wait.total_seconds()))
        if seconds < 60:
            return f"{seconds} second{'s' if seconds != 1 else ''}"
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"

    @property
    def message(self) -> str:
        if self.reason == "network":
            return f"Too many attempts for this account from this network; try again in {self.wait_text}."
        if self.known_network:
            return (
                "Too many failed attempts for this account in the last hour, here and elsewhere; "
                f"try again in {self.wait_text}."
            )
        return (
            "Too many failed attempts for this account from other networks, so sign-ins from a network you have "
            f"not used recently are slowed down; try again in {self.wait_text}. Signing in from a network you "
            "have used in the last month is not held up."
        )


def sign_in_refusal(*, email: str, network: str, user: User | None, now: datetime.datetime) -> Refusal | None:
    """Whether an attempt on `email` from `network` must wait before its password is even checked, and how long.

    Nothing here locks an account: each rule names a time after which the next attempt is checked again.
    1. This account from this network: `LOGIN_ADDRESS_FREE_FAILURES` failures in the hour (since the last success
       from here), then a wait from the last failure that doubles with each further one up to a cap.
    2. This account from any network: the hourly ceiling `LOGIN_FAILURE_LIMIT` over all failures, for the user's
       own recent networks; nine tenths of it for every other network, which are moreover paced (one attempt per
       hour ÷ that limit) once the account has had `LOGIN_ACCOUNT_PACE_FROM` failures in the hour. So guessing from
       anywhere stays within the ceiling, and failures elsewhere never hold up the user on their own network.
    """
    since = now - _window()
    failures = SignInAttempt.objects.filter(email=email, outcome=Outcome.FAILURE, at__gte=since)

    here = failures.filter(network=network)
    last_success_here = (
        SignInAttempt.objects.filter(email=email, network=network, outcome=Outcome.SUCCESS, at__gte=since)
        .order_by("-at", "-id")
        .values("at", "id")
        .first()
    )
    if last_success_here is not None:
        at, pk = last_success_here["at"], last_success_here["id"]
        here = here.filter(Q(at__gt=at) | Q(at=at, id__gt=pk))
    counted = here.aggregate(n=Count("id"), last=Max("at"))
    free = settings.LOGIN_ADDRESS_FREE_FAILURES
    if counted["n"] >= free:
        delay = min(
            settings.LOGIN_ADDRESS_DELAY_SECONDS * 2 ** (counted["n"] - free),
            settings.LOGIN_ADDRESS_DELAY_MAX_SECONDS,
        )
        ready_at = counted["last"] + datetime.timedelta(seconds=delay)
        if ready_at > now:
            return Refusal("network", ready_at - now)

    known = user is not None and bool(network) and network in known_networks(user, now=now)
    limit = settings.LOGIN_FAILURE_LIMIT if known else unknown_network_limit()
    total = failures.count()
    if total >= limit:
        # Ready once enough failures have left the hour that fewer than `limit` remain.
        freed_by = failures.order_by("at").values_list("at", flat=True)[total - limit]
        return Refusal("account", freed_by + _window() + datetime.timedelta(seconds=1) - now, known)
    if not known and total >= settings.LOGIN_ACCOUNT_PACE_FROM:
        last = failures.aggregate(last=Max("at"))["last"]
        ready_at = last + _window() / unknown_network_limit()
        if ready_at > now:
            return Refusal("account", ready_at - now)
    return None


# --- What people are shown ---------------------------------------------------------------------


def recent_sign_ins(user: User, *, now: datetime.datetime, days: int = 30) -> QuerySet[SignInAttempt]:
    """The user's sign-ins, failures and refused attempts of the last `days` days, newest first."""
    return SignInAttempt.objects.filter(user=user, at__gte=now - datetime.timedelta(days=days))


def sign_in_counts(attempts: QuerySet[SignInAttempt]) -> dict[str, int]:
    """How many of the attempts had each outcome (every outcome present, 0 when none)."""
    found = dict(attempts.order_by().values_list("outcome").annotate(n=Count("id")))
    return {outcome: found.get(outcome, 0) for outcome in Outcome.values}


def organisation_users(organisation_id: int) -> QuerySet[User]:
    """The people who hold a current role in the organisation."""
    return User.objects.filter(
        pk__in=RoleAssignment.objects.current().filter(organisation_id=organisation_id).values("user_id")
    )


def accounts_under_attack(*, organisation_id: int, now: datetime.datetime) -> list[dict[str, Any]]:
    """The organisation's accounts with at least `SIGN_IN_ALERT_FAILURES` failed sign-ins in the last day, most
    failures in the last hour first: counts for the hour and the day, refused attempts, distinct addresses."""
    hour_ago, day_ago = now - datetime.timedelta(hours=1), now - datetime.timedelta(days=1)
    not_signed_in = Q(outcome__in=[Outcome.FAILURE, Outcome.THROTTLED])
    rows = (
        SignInAttempt.objects.filter(user__in=organisation_users(organisation_id), at__gte=day_ago)
        .values("user")
        .annotate(
            failures_hour=Count("id", filter=Q(outcome=Outcome.FAILURE, at__gte=hour_ago)),
            failures_day=Count("id", filter=Q(outcome=Outcome.FAILURE)),
            refused_day=Count("id", filter=Q(outcome=Outcome.THROTTLED)),
            addresses_day=Count("ip_address", filter=not_signed_in, distinct=True),
            last_failure_at=Max("at", filter=not_signed_in),
        )
        .filter(failures_day__gte=settings.SIGN_IN_ALERT_FAILURES)
        .order_by("-failures_hour", "-failures_day")
    )
    users = User.objects.in_bulk([row["user"] for row in rows])
    return [{**row, "user": users[row["user"]]} for row in rows]


@dataclass(frozen=True)
class SecondFactorStatus:
    authenticator: TOTPDevice | None
    recovery_codes_left: int
    link: EnrolmentLink | None  # the newest enrolment link that can still be used


def live_enrolment_link(user: User) -> EnrolmentLink | None:
    """The newest enrolment link still in play: unopened and unexpired, or opened by a session still setting up."""
    now = timezone.now()
    return (
        EnrolmentLink.objects.filter(user=user, revoked_at__isnull=True, completed_at__isnull=True)
        .filter(
            Q(opened_at__isnull=True, expires_at__gt=now) | Q(opened_at__gt=now - EnrolmentLink.CLAIM_WINDOW)
        )
        .order_by("-created_at")
        .first()
    )


def second_factor_status(user: User) -> SecondFactorStatus:
    """What a person has for their second factor, for their own page and their administrator's."""
    return SecondFactorStatus(
        authenticator=TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first(),
        recovery_codes_left=RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count(),
        link=live_enrolment_link(user),
    )
