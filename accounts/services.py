"""Sign-in rules: throttling, the second factor, session lifetime."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import FailedLogin, User


def login_is_throttled(*, email: str) -> bool:
    """Whether an account has had too many failed sign-ins in the last hour to try again now."""
    since = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return (
        FailedLogin.objects.filter(email=email.strip().lower(), at__gte=since).count()
        >= settings.LOGIN_FAILURE_LIMIT
    )


def failed_login_record(*, email: str, ip_address: str | None) -> None:
    """Count one failed sign-in against an account name."""
    FailedLogin.objects.create(email=email.strip().lower()[:254], ip_address=ip_address)


def failed_logins_clear(*, email: str) -> None:
    """A successful sign-in clears the account's failure count."""
    FailedLogin.objects.filter(email=email.strip().lower()).delete()


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
