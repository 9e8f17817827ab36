from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user's authenticator (demo worlds only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__email__iexact=email, name="Demo authenticator", confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"{email} has no demo authenticator (only demo users who need a second factor do)."
            )
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        self.stdout.write(f"{code:06d}")
