"""Sign-in rules: throttling, the second factor (enrolment links, recovery codes, resets), session lifetime."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import RoleAssignment
from accounts import selectors
from accounts.models import (
    EnrolmentLink,
    RecoveryCode,
    RecoveryCodeDevice,
    SignInAttempt,
    User,
    enrolment_token_hash,
    recovery_code_hash,
)
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


TOO_MANY_CODES = "Too many wrong codes in a row. Wait a few seconds, then enter the newest code."
WRONG_CODE = "That code is not right, or it has been used already. Wait for the next code and try again."


def second_factor_verify(*, device: Any, code: str) -> None:
    """Check a code from the user's second factor (an authenticator or a recovery code), under django-otp's
    back-off after wrong codes; refused with the reason on the `token` field. The one check the sign-in and
    safeguarding's step-up both ask."""
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"token": TOO_MANY_CODES})
    if not device.verify_token(code.strip()):
        raise ValidationError({"token": WRONG_CODE})


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


# --- The second factor: enrolment links, recovery codes, an administrator's reset ---------------

ENROLMENT_LINKS_PER_HOUR = 3  # links a person may ask for themselves in an hour
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_CODE_LENGTH = 12  # about 59 bits each


class EnrolmentLinkUnknown(Exception):
    """No such link for the signed-in person (answered as a 404, so links cannot be probed; the audit
    middleware records the refusal, with `link_id` when the link is another person's)."""

    def __init__(self, link_id: int | None = None) -> None:
        super().__init__("No such enrolment link.")
        self.link_id = link_id


class EnrolmentLinkUnusable(Exception):
    """The link has been used, has expired or was replaced; the message says which, plainly."""


def _home_organisation_id(user: User) -> int | None:
    """The organisation a person's own second-factor events are filed under: that of their first current role."""
    return (
        RoleAssignment.objects.current()
        .filter(user=user)
        .order_by("pk")
        .values_list("organisation_id", flat=True)
        .first()
    )


def _notify(user: User, subject: str, body: str) -> None:
    from accounts.tasks import send_second_factor_notice

    transaction.on_commit(partial(send_second_factor_notice.enqueue, user.pk, subject, body))


def _unfinished_links(user: User) -> Any:
    return EnrolmentLink.objects.filter(user=user, revoked_at__isnull=True, completed_at__isnull=True)


def enrolment_link_send(
    *, user: User, reason: str, actor: User | None, organisation_id: int | None = None
) -> EnrolmentLink:
    """Withdraw the person's unfinished links and e-mail them a new one (its token made by the task, on commit)."""
    from accounts.tasks import send_enrolment_link

    if confirmed_totp_device(user) is not None:
        raise ValidationError(
            f"{user} already has an authenticator app. Reset their second factor to replace it."
        )
    now = timezone.now()
    with transaction.atomic():
        _unfinished_links(user).update(revoked_at=now)
        link = EnrolmentLink(
            user=user,
            reason=reason,
            created_by=actor,
            created_at=now,
            expires_at=now + EnrolmentLink.LIFETIME,
        )
        link.full_clean()
        link.save()
        record_event(
            action=AuditEvent.Action.CREATE,
            actor=actor,
            obj=link,
            organisation_id=organisation_id or _home_organisation_id(user),
            note=f"enrolment link e-mailed to {user.email} ({link.get_reason_display().lower()}), "
            f"expires {timezone.localtime(link.expires_at):%Y-%m-%d %H:%M}",
        )
        transaction.on_commit(partial(send_enrolment_link.enqueue, link.pk))
    return link


def enrolment_link_request(*, user: User) -> EnrolmentLink:
    """A person who needs an authenticator asks for a (new) link after their password: a few an hour at most."""
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per person
        recent = list(
            EnrolmentLink.objects.filter(
                user=user,
                reason=EnrolmentLink.Reason.SIGN_IN,
                created_at__gt=now - datetime.timedelta(hours=1),
            ).order_by("created_at")
        )
        if len(recent) >= ENROLMENT_LINKS_PER_HOUR:
            again = timezone.localtime(recent[0].created_at + datetime.timedelta(hours=1))
            raise ValidationError(
                f"You have asked for {len(recent)} links in the last hour. Check your e-mail (and its junk "
                f"folder) for the newest one, or ask for another after {again:%H:%M}."
            )
        return enrolment_link_send(user=user, reason=EnrolmentLink.Reason.SIGN_IN, actor=user)


def enrolment_link_open(*, user: User, token: str, claimed_link_id: int | None) -> EnrolmentLink:
    """Open a link for its own signed-in person: the first session to open it claims it (with a new, unconfirmed
    authenticator); only that session may come back to it, for a short while, until a code confirms it."""
    now = timezone.now()
    with transaction.atomic():
        link = (
            EnrolmentLink.objects.select_for_update(of=("self",))
            .select_related("device")
            .filter(token_hash=enrolment_token_hash(token))
            .first()
        )
        if link is not None and link.user_id == user.pk:
            problem = _enrolment_link_problem(link, user, claimed_link_id, now)
            if problem:
                raise EnrolmentLinkUnusable(problem)
            if link.opened_at is None:
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                link.device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
                link.opened_at = now
                link.save(update_fields=["device", "opened_at"])
                record_event(
                    action=AuditEvent.Action.UPDATE,
                    actor=user,
                    obj=link,
                    organisation_id=_home_organisation_id(user),
                    note="enrolment link opened after the password: the authenticator key was shown",
                )
            return link
    raise EnrolmentLinkUnknown(link.pk if link else None)


def _enrolment_link_problem(
    link: EnrolmentLink, user: User, claimed_link_id: int | None, now: datetime.datetime
) -> str:
    new_link = "Sign in and choose “Send me a new link”, or ask your school administrator for one."
    if link.completed_at is not None or (link.opened_at is not None and link.pk != claimed_link_id):
        return f"This enrolment link has already been used: each link works once. {new_link}"
    if link.revoked_at is not None:
        return f"This enrolment link has been replaced by a newer one or withdrawn. Use the newest link, or ask again. {new_link}"
    if link.opened_at is not None:
        if now > link.opened_at + EnrolmentLink.CLAIM_WINDOW:
            return f"This enrolment link was opened too long ago to finish setting up, and has expired. {new_link}"
        return ""
    if link.expires_at <= now:
        hours = int(EnrolmentLink.LIFETIME.total_seconds() // 3600)
        return f"This enrolment link has expired (links last {hours} hours). {new_link}"
    if confirmed_totp_device(user) is not None:
        return "You already have an authenticator app set up, so this link is not needed."
    return ""


def enrolment_complete(*, user: User, link: EnrolmentLink, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the new authenticator with a code it shows: returns it and the recovery codes, shown only now."""
    device = link.device
    if device is None or link.opened_at is None or link.completed_at is not None:
        raise ValidationError("Open the enrolment link again to set up your authenticator app.")
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(
            "Too many wrong codes in a row. Wait a few seconds, then enter the newest code."
        )
    # Checked outside the transaction below so that a wrong code's back-off is kept.
    if not device.verify_token(code.strip()):
        raise ValidationError(
            "That code is not right. Check the app shows Pastoral, then enter the newest six digits."
        )
    now = timezone.now()
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        link.completed_at = now
        link.save(update_fields=["completed_at"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        _unfinished_links(user).update(revoked_at=now)
        codes = _recovery_codes_make(user)
        record_event(
            action=AuditEvent.Action.CREATE,
            actor=user,
            obj=device,
            organisation_id=_home_organisation_id(user),
            note=f"authenticator app added through an enrolment link; {len(codes)} recovery codes made",
        )
        _notify(
            user,
            "an authenticator app was added to your account",
            f"An authenticator app was set up for two-factor sign-in to your Pastoral account at "
            f"{timezone.localtime(now):%H:%M on %-d %B %Y}, and {len(codes)} new recovery codes were made "
            "(any earlier ones no longer work).",
        )
    return device, codes


def _recovery_code_new() -> str:
    raw = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


def _recovery_codes_make(user: User) -> list[str]:
    """Replace the person's recovery codes with a new set; only the hashes are kept."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [_recovery_code_new() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, code_hash=recovery_code_hash(user.pk, code)) for code in codes]
    )
    return codes


def recovery_codes_replace(*, user: User) -> list[str]:
    """A new set of recovery codes for a person with an authenticator (the old set stops working)."""
    if confirmed_totp_device(user) is None:
        raise ValidationError("Set up an authenticator app first: recovery codes come with it.")
    with transaction.atomic():
        codes = _recovery_codes_make(user)
        record_event(
            action=AuditEvent.Action.UPDATE,
            actor=user,
            obj=user,
            organisation_id=_home_organisation_id(user),
            note=f"{len(codes)} new recovery codes made; the earlier ones withdrawn",
        )
        _notify(
            user,
            "new recovery codes were made",
            f"{len(codes)} new recovery codes were made for your Pastoral account at "
            f"{timezone.localtime():%H:%M on %-d %B %Y}. The earlier ones no longer work.",
        )
    return codes


def recovery_code_used(*, user: User, device: RecoveryCodeDevice) -> int:
    """Record that a recovery code was used to sign in (audited; the person is told): returns how many are left."""
    left = device.codes.count()
    with transaction.atomic():
        record_event(
            action=AuditEvent.Action.UPDATE,
            actor=user,
            obj=device,
            organisation_id=_home_organisation_id(user),
            note=f"recovery code used to sign in; {left} left",
        )
        _notify(
            user,
            "a recovery code was used to sign in",
            f"One of your recovery codes was used in place of your authenticator app to sign in to Pastoral at "
            f"{timezone.localtime():%H:%M on %-d %B %Y}. {left} unused code{'s' if left != 1 else ''} remain.",
        )
    return left


def second_factor_reset(*, actor: User, user: User, organisation: Any, reason: str) -> EnrolmentLink:
    """An administrator removes a person's authenticator apps and recovery codes (sessions verified with them
    stop being verified) and e-mails the person a new enrolment link."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why the second factor is being reset (for example, a lost phone)."}
        )
    now = timezone.now()
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        TOTPDevice.objects.filter(user=user).delete()
        codes = RecoveryCode.objects.filter(device__user=user).count()
        RecoveryCodeDevice.objects.filter(user=user).delete()
        _unfinished_links(user).update(revoked_at=now)
        record_event(
            action=AuditEvent.Action.DELETE,
            actor=actor,
            obj=user,
            organisation_id=organisation.pk,
            changes={"authenticator_apps": [removed, 0], "recovery_codes": [codes, 0]},
            note=f"second factor reset by an administrator; reason: {reason}",
        )
        _notify(
            user,
            "your two-factor sign-in was reset",
            f"{actor.full_name}, an administrator at {organisation.name}, removed your authenticator app and "
            f"recovery codes from your Pastoral account at {timezone.localtime(now):%H:%M on %-d %B %Y}. "
            f"Reason given: {reason}\n\nA separate e-mail brings a link to set up your authenticator app again.",
        )
        return enrolment_link_send(
            user=user, reason=EnrolmentLink.Reason.RESET, actor=actor, organisation_id=organisation.pk
        )
