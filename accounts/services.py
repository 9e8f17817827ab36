"""Sign-in rules: throttling, the second factor, session lifetime."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors
from accounts.models import SignInAttempt, User
from audit.models import AuditEvent
from audit.services import record_event


@dataclass(frozen=True)
class SignInResult:
    """What became of one attempt: the user when the password was right, the refusal when it was not checked."""

    attempt: SignInAttempt
    user: User | None = None
    refusal: selectors.Refusal | None = None


def sign_in_attempt(
    *,
    email: str,
    password: str,
    ip_address: str | None,
    user_agent: str = "",
    now: datetime.datetime | None = None,
) -> SignInResult:
    """Check one sign-in against the throttle, then (unless refused) the password, and record the attempt.

    The attempt is written as a failure before the password is checked and turned into a success after, so the
    throttle counts it while the (slow) check runs: parallel guesses cannot slip past the hourly ceiling.
    """
    now = now or timezone.now()
    email = email.strip().lower()[:254]
    network = selectors.network_of(ip_address)
    with transaction.atomic():
        # One attempt at a time per account is decided (PostgreSQL; SQLite writes one at a time anyway).
        account = User.objects.select_for_update().filter(email__iexact=email).first()
        refusal = selectors.sign_in_refusal(email=email, network=network, user=account, now=now)
        attempt = SignInAttempt.objects.create(
            email=email,
            user=account,
            outcome=SignInAttempt.Outcome.THROTTLED if refusal else SignInAttempt.Outcome.FAILURE,
            ip_address=ip_address if network else None,
            network=network,
            user_agent=user_agent[:200],
            at=now,
        )
    if refusal is not None:
        record_event(
            action=AuditEvent.Action.LOGIN_FAILED,
            object_type="accounts.User",
            object_id=email,
            note=f"throttled ({refusal.reason}): {refusal.message}",
        )
        return SignInResult(attempt=attempt, refusal=refusal)
    user = authenticate(None, email=email, password=password)
    if user is None:
        record_event(action=AuditEvent.Action.LOGIN_FAILED, object_type="accounts.User", object_id=email)
        return SignInResult(attempt=attempt)
    attempt.outcome = SignInAttempt.Outcome.SUCCESS
    attempt.save(update_fields=["outcome"])
    return SignInResult(attempt=attempt, user=user)


def _retention_cutoff(today: datetime.date) -> datetime.datetime:
    first_kept = today - datetime.timedelta(days=settings.SIGN_IN_ATTEMPT_RETENTION_DAYS)
    return timezone.make_aware(datetime.datetime.combine(first_kept, datetime.time.min))


def sign_in_retention_count(*, today: datetime.date) -> int:
    """How many sign-in attempts the retention job would delete today (the dry run)."""
    return SignInAttempt.objects.filter(at__lt=_retention_cutoff(today)).count()


def sign_in_retention_apply(*, today: datetime.date) -> int:
    """Delete sign-in attempts older than `SIGN_IN_ATTEMPT_RETENTION_DAYS` days (before local midnight that many
    days before `today`) in one transaction, and record one audit event of the count."""
    with transaction.atomic():
        deleted, _ = SignInAttempt.objects.filter(at__lt=_retention_cutoff(today)).delete()
        if deleted:
            record_event(
                action=AuditEvent.Action.DELETE,
                object_type="accounts.SignInAttempt",
                changes={"sign_in_attempts": [deleted, 0]},
                note=f"retention: sign-in attempts older than {settings.SIGN_IN_ATTEMPT_RETENTION_DAYS} days",
            )
    return deleted


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is setting up (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def user_create(*, email: str, full_name: str, password: str | None = None) -> User:
    """Create a sign-in for a person (unusable password until they set one)."""
    user = User(email=email.strip().lower(), full_name=full_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
