"""Background work for sign-in: e-mailing enrolment links, and telling people when their second factor changes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task


@task()
def send_enrolment_link(link_id: int) -> bool:
    """Make the link's token and e-mail it to the user: the token exists only here and in the e-mail."""
    from accounts.models import EnrolmentLink, enrolment_token_hash

    with transaction.atomic():
        link = EnrolmentLink.objects.select_for_update().select_related("user").filter(pk=link_id).first()
        if (
            link is None
            or link.token_hash  # already sent: a retried task never sends a second token
            or link.revoked_at is not None
            or link.opened_at is not None
            or link.expires_at <= timezone.now()
            or not link.user.email
        ):
            return False
        token = secrets.token_urlsafe(32)
        link.token_hash, link.emailed_at = enrolment_token_hash(token), timezone.now()
        link.save(update_fields=["token_hash", "emailed_at"])
        url = settings.PASTORAL_BASE_URL.rstrip("/") + reverse("accounts:enrol", args=[token])
        expires = timezone.localtime(link.expires_at)
        why = {
            EnrolmentLink.Reason.SIGN_IN: (
                "Someone signed in to Pastoral with your e-mail address and password and asked to set up "
                "two-factor sign-in."
            ),
            EnrolmentLink.Reason.ADMINISTRATOR: (
                "Your school administrator has asked Pastoral to send you a link to set up two-factor sign-in."
            ),
            EnrolmentLink.Reason.RESET: (
                "Your school administrator has reset your two-factor sign-in, so you need to set up your "
                "authenticator app again."
            ),
        }[EnrolmentLink.Reason(link.reason)]
        send_mail(
            subject="Pastoral: set up two-factor sign-in",
            message=(
                f"Hello {link.user.get_short_name()},\n\n{why}\n\n"
                f"Open this link, sign in with your password if asked, and follow the steps:\n{url}\n\n"
                f"The link works once and expires at {expires:%H:%M on %-d %B %Y}.\n\n"
                "If this was not you, do not open the link: tell your school administrator, because someone may "
                "know your password.\n"
            ),
            from_email=None,
            recipient_list=[link.user.email],
        )
    return True


@task()
def send_second_factor_notice(user_id: int, subject: str, body: str) -> bool:
    """Tell a person that their second factor changed (an authenticator or recovery codes added, used or removed)."""
    from accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return False
    send_mail(
        subject=f"Pastoral: {subject}",
        message=(
            f"Hello {user.get_short_name()},\n\n{body}\n\n"
            "If this was not you, tell your school administrator straight away: they can reset your two-factor "
            "sign-in, and you should change your password.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return True
