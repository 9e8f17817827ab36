"""Signing in through the real pages in tests: passwords, codes from a device, links from the e-mails sent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from core.testing.factories import TEST_PASSWORD

LINK = re.compile(r"https?://\S+?(/accounts/enrol/[^/\s]+/)")
RECOVERY_CODE = re.compile(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>")


def sign_in(client: Client, email: str, password: str = TEST_PASSWORD, next: str = "") -> Any:
    data = {"email": email, "password": password}
    if next:
        data["next"] = next
    return client.post(reverse("accounts:login"), data)


def code_for(device: Any, ahead: int = 0) -> str:
    """The code the device's app shows now (or `ahead` steps on, which the server's tolerance accepts too)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + ahead):06d}"


def other_code(device: Any) -> str:
    """A six-digit code that is not the device's current one."""
    right = {code_for(device, ahead) for ahead in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in right)


def enrolment_link_paths(email: str) -> list[str]:
    """The enrolment links e-mailed to an address, oldest first, as paths."""
    return [
        match.group(1)
        for message in mail.outbox
        if email in message.to
        for match in LINK.finditer(message.body)
    ]


def mails_to(email: str, containing: str = "") -> list[Any]:
    return [m for m in mail.outbox if email in m.to and containing.lower() in (m.subject + m.body).lower()]


def enrol_with_link(client: Client, path: str) -> tuple[Any, list[str]]:
    """Open the link in a signed-in client, confirm a code from the new authenticator: (device, recovery codes)."""
    from accounts.models import EnrolmentLink

    page = client.get(path)
    assert page.status_code == 200, page.status_code
    link = EnrolmentLink.objects.get(pk=client.session["pastoral_enrolment_link"])
    done = client.post(path, {"token": code_for(link.device)})
    assert done.status_code == 200
    link.device.refresh_from_db()
    return link.device, RECOVERY_CODE.findall(done.content.decode())


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Call a view (or service) and run what it left for the commit: the e-mail tasks (immediate in tests)."""

    def call(fn: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


def enrolled(committed: Any, user: Any) -> tuple[Client, Any, list[str]]:
    """A person set up through an enrolment link, as a real person would: (their signed-in client, device, codes)."""
    from accounts.models import EnrolmentLink
    from accounts.services import enrolment_link_send

    committed(enrolment_link_send, user=user, reason=EnrolmentLink.Reason.SIGN_IN, actor=user)
    client = Client()
    sign_in(client, user.email)
    device, codes = committed(enrol_with_link, client, enrolment_link_paths(user.email)[-1])
    return client, device, codes
