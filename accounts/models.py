from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: school staff, provider staff, moderators. Signs in with e-mail."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin site.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class SignInAttempt(models.Model):
    """One attempt to sign in with a password, whatever its outcome: the sign-in throttle counts these, the user
    sees their own on their account page and a school administrator sees accounts under attack.

    Kept 90 days (`manage.py retention`, its `sign_in` job). The e-mail address is kept as typed (lower case) so attempts on
    addresses that are not accounts are throttled alike; `user` is set when the address was an account then.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Signed in"
        FAILURE = "failure", "Wrong e-mail address or password"
        THROTTLED = "throttled", "Refused: too many attempts"

    email = models.CharField(max_length=254)
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="sign_in_attempts"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # What the throttle counts by: the IPv4 address, or the IPv6 /64 (one household or phone holds a whole /64).
    network = models.CharField(max_length=50, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["email", "at"]),
            models.Index(fields=["email", "network", "at"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.email} {self.outcome} at {self.at:%Y-%m-%d %H:%M} from {self.ip_address or 'unknown'}"


class EnrolmentLink(models.Model):
    """A single-use, expiring link with which a person sets up their authenticator app.

    A password alone never shows an enrolment key: the key is shown only to a session that has signed in with the
    password *and* opened this link from the user's mailbox. Only a SHA-256 hash of the token is stored; the token
    is made by the task that e-mails it, so it exists nowhere but in the worker and the e-mail. The first signed-in
    session of its own user to open the link claims it (`opened_at`); no other session can use it after that, and
    confirming a code from the new authenticator finishes it (`completed_at`).
    """

    class Reason(models.TextChoices):
        SIGN_IN = "sign_in", "Asked for at sign-in"
        ADMINISTRATOR = "administrator", "Sent by an administrator"
        RESET = "reset", "Sent after a second-factor reset"

    LIFETIME = datetime.timedelta(hours=72)
    # How long the session that opened (claimed) a link has to confirm a code from the new authenticator.
    CLAIM_WINDOW = datetime.timedelta(minutes=30)

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="enrolment_links")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    # Empty until the task that e-mails the link has made its token.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    device = models.ForeignKey(
        "otp_totp.TOTPDevice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Enrolment link for {self.user} ({self.get_reason_display().lower()})"


def enrolment_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A person's recovery codes, usable once each in place of a code from their authenticator app.

    Shaped like django-otp's `otp_static.StaticDevice` (a device holding single-use tokens, throttled, each token
    deleted when used), but `StaticToken` keeps its tokens in clear text; these are stored as SHA-256 hashes.
    """

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The user that this device belongs to.",
    )

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: Any) -> bool:
        """Consume a matching unused code (in any order); a wrong one counts towards the back-off."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        match = self.codes.filter(code_hash=recovery_code_hash(self.user_id, str(token))).first()
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_code_hash(user_id: int, code: str) -> str:
    """The stored form of a recovery code: a hash salted with its owner, of the code without spaces or dashes."""
    return hashlib.sha256(f"pastoral-recovery:{user_id}:{normalise_recovery_code(code)}".encode()).hexdigest()


class RecoveryCode(models.Model):
    """One unused recovery code, as its hash (deleted when used)."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return f"Recovery code of {self.device.user_id}"


class UserSession(AbstractBaseSession):
    """`django_session` with the signed-in user's id beside the (encoded) data (see accounts/sessions.py)."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls) -> Any:
        from accounts.sessions import SessionStore

        return SessionStore

    class Meta(AbstractBaseSession.Meta):
        db_table = "django_session"
        managed = False  # django.contrib.sessions owns the table; migration 0004 adds the column
