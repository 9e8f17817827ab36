"""Setting up the second factor needs the e-mailed enrolment link as well as the password: never the password alone."""

from __future__ import annotations

import base64
import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import EnrolmentLink, enrolment_token_hash
from accounts.tests.helpers import (
    code_for,
    enrol_with_link,
    enrolment_link_paths,
    mails_to,
    other_code,
    sign_in,
)
from audit.models import AuditEvent
from core.testing.outsider import outsider_test
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


world = shared_world()


def admin_sends_link(committed, world, user):
    """The school administrator e-mails `user` a link: (the link, its path from the e-mail)."""
    link = committed(
        services.enrolment_link_send, user=user, reason=EnrolmentLink.Reason.ADMINISTRATOR, actor=world.admin
    )
    return link, enrolment_link_paths(user.email)[-1]


def test_it_never_shows_an_enrolment_key_after_the_password_alone(world, committed):
    """A DSL with no authenticator, signed in with the password, is told to check their e-mail: no key, no QR."""
    client = Client()
    response = committed(sign_in, client, world.dsl.email)
    assert reverse("accounts:two_factor") in response["Location"]
    pages = [
        committed(client.get, reverse("accounts:two_factor")),
        committed(client.post, reverse("accounts:two_factor"), {"token": "123456"}),
        client.get(reverse("people:pupil_list"), follow=True),
        client.get(reverse("accounts:second_factor")),
    ]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert "otpauth://" not in body and "<svg" not in body and "Key:" not in body
    assert "Check your e-mail for the enrolment link" in pages[0].content.decode()
    # No authenticator exists yet, so there is no key anywhere that a page could leak.
    assert not TOTPDevice.objects.filter(user=world.dsl).exists()
    for device in TOTPDevice.objects.all():
        secret = base64.b32encode(device.bin_key).decode()
        assert all(secret[:8] not in page.content.decode() for page in pages)
    # The password did send a link, to the DSL's own mailbox.
    assert len(enrolment_link_paths(world.dsl.email)) == 1


def test_it_sets_up_an_authenticator_from_the_emailed_link_after_the_password(world, committed):
    """Password, then the link from the e-mail: the key, a code confirms it, recovery codes once, pupils open."""
    client = Client()
    committed(sign_in, client, world.dsl.email)
    committed(client.get, reverse("accounts:two_factor"))
    [path] = enrolment_link_paths(world.dsl.email)
    page = client.get(path)
    body = page.content.decode()
    assert page.status_code == 200 and "Set up two-factor sign-in" in body and "<svg" in body
    link = EnrolmentLink.objects.get(user=world.dsl)
    assert base64.b32encode(link.device.bin_key).decode()[:4] in body
    done = committed(client.post, path, {"token": code_for(link.device)})
    assert "Two-factor sign-in is set up" in done.content.decode()
    device = TOTPDevice.objects.get(user=world.dsl)
    assert device.confirmed
    assert client.get(reverse("people:pupil_list")).status_code == 200
    link.refresh_from_db()
    assert link.opened_at and link.completed_at
    assert AuditEvent.objects.filter(
        action="create", object_type="otp_totp.TOTPDevice", object_id=str(device.pk), actor=world.dsl
    ).exists()
    [added] = mails_to(world.dsl.email, "authenticator app was added")
    assert "recovery codes" in added.body


def test_it_brings_a_person_who_opens_the_link_first_back_to_it_after_the_password(world, committed):
    """Link first: sign-in is asked for, then the person lands on the link with the key (it was not used up)."""
    link, path = admin_sends_link(committed, world, world.senco)
    client = Client()
    response = client.get(path)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    link.refresh_from_db()
    assert link.opened_at is None  # a visitor without the password (or a mail scanner) does not use it up
    signed_in = sign_in(client, world.senco.email, next=path)
    page = client.get(signed_in["Location"], follow=True)
    assert page.redirect_chain[-1][0] == path
    assert "Set up two-factor sign-in" in page.content.decode()


def test_it_lets_a_link_work_once(world, committed):
    """Once used, the link says so: to another session, and to the same person after setting up."""
    _link, path = admin_sends_link(committed, world, world.dsl)
    first = Client()
    sign_in(first, world.dsl.email)
    assert first.get(path).status_code == 200
    assert first.get(path).status_code == 200  # the session that opened it may come back to finish
    second = Client()
    sign_in(second, world.dsl.email)
    refused = second.get(path)
    assert refused.status_code == 410 and "already been used" in refused.content.decode()
    assert "<svg" not in refused.content.decode()
    committed(enrol_with_link, first, path)
    again = first.get(path)
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_it_refuses_an_expired_link(world, committed):
    """A link older than 72 hours shows a clear message and no key."""
    link, path = admin_sends_link(committed, world, world.dsl)
    assert link.expires_at - link.created_at == datetime.timedelta(hours=72)
    EnrolmentLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client = Client()
    sign_in(client, world.dsl.email)
    response = client.get(path)
    body = response.content.decode()
    assert response.status_code == 410 and "expired" in body and "<svg" not in body
    assert not TOTPDevice.objects.filter(user=world.dsl).exists()


def test_it_withdraws_the_older_link_when_a_new_one_is_sent(world, committed):
    """Only the newest link works."""
    for _ in range(2):
        admin_sends_link(committed, world, world.dsl)
    old, new = enrolment_link_paths(world.dsl.email)
    client = Client()
    sign_in(client, world.dsl.email)
    assert "replaced" in client.get(old).content.decode()
    assert client.get(new).status_code == 200


def test_it_stores_only_a_hash_of_the_link_token(world, committed):
    """The token is in the e-mail; the database holds its SHA-256."""
    _link, path = admin_sends_link(committed, world, world.dsl)
    token = path.rstrip("/").rsplit("/", 1)[1]
    link = EnrolmentLink.objects.get(user=world.dsl)
    assert link.token_hash == enrolment_token_hash(token) and token not in link.token_hash
    assert AuditEvent.objects.filter(action="create", object_type="accounts.EnrolmentLink").exists()
    assert not AuditEvent.objects.filter(note__contains=token).exists()


def test_it_limits_how_often_a_person_asks_for_a_new_link(world, committed):
    """Three links an hour on request at sign-in; the fourth is refused with a time to try again."""
    client = Client()
    sign_in(client, world.dsl.email)
    for _ in range(3):
        committed(client.post, reverse("accounts:enrolment_request"))
    refused = committed(client.post, reverse("accounts:enrolment_request"), follow=True)
    assert "asked for 3 links in the last hour" in refused.content.decode()
    assert len(enrolment_link_paths(world.dsl.email)) == 3
    EnrolmentLink.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    committed(client.post, reverse("accounts:enrolment_request"))
    assert len(enrolment_link_paths(world.dsl.email)) == 4


@outsider_test("accounts:enrol")
def test_it_answers_404_to_someone_elses_link_and_leaves_it_unused(world, committed):
    """Another school's user, or a colleague, signed in with their own password, cannot open or use up the link."""
    _link, path = admin_sends_link(committed, world, world.dsl)
    for user in (world.outsider, world.tutor):
        client = Client()
        sign_in(client, user.email)
        assert client.get(path).status_code == 404
        assert client.post(path, {"token": "123456"}).status_code == 404
    assert client.get(reverse("accounts:enrol", args=["no-such-token"])).status_code == 404
    assert EnrolmentLink.objects.get(user=world.dsl).opened_at is None
    # Each refusal is on record once (the audit middleware's), not twice.
    assert AuditEvent.objects.filter(action="denied", object_type="accounts.EnrolmentLink").count() == 5


def test_it_refuses_a_wrong_code_at_set_up_and_keeps_the_key_unconfirmed(world, committed):
    """A wrong code leaves the new authenticator unconfirmed and the person still unverified."""
    _link, path = admin_sends_link(committed, world, world.dsl)
    client = Client()
    sign_in(client, world.dsl.email)
    client.get(path)
    device = EnrolmentLink.objects.get(user=world.dsl).device
    response = client.post(path, {"token": other_code(device)})
    assert "not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("people:pupil_list")).status_code == 302


def test_it_gives_the_session_that_opened_a_link_half_an_hour_to_finish(world, committed):
    """While one session sets up, another is not sent a link that would withdraw it; after 30 minutes it lapses."""
    link, path = admin_sends_link(committed, world, world.dsl)
    setting_up = Client()
    sign_in(setting_up, world.dsl.email)
    assert setting_up.get(path).status_code == 200
    elsewhere = Client()
    sign_in(elsewhere, world.dsl.email)
    page = committed(elsewhere.get, reverse("accounts:two_factor")).content.decode()
    assert "finish setting up in the browser where it was opened" in page
    assert len(enrolment_link_paths(world.dsl.email)) == 1
    EnrolmentLink.objects.filter(pk=link.pk).update(opened_at=timezone.now() - datetime.timedelta(minutes=31))
    lapsed = setting_up.get(path)
    assert lapsed.status_code == 410 and "expired" in lapsed.content.decode()
    committed(elsewhere.get, reverse("accounts:two_factor"))
    assert len(enrolment_link_paths(world.dsl.email)) == 2
