"""Reads about sign-in: a person's second factor and their enrolment links."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentLink, RecoveryCode, User


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
