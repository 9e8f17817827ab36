"""Signing in: passwords, the second factor, session lifetime (the throttle: test_sign_in_throttle.py)."""

from __future__ import annotations

import datetime
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import AUTH_AT, TOUCHED_AT
from audit.models import AuditEvent
from core.testing.factories import TEST_PASSWORD
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


world = shared_world()


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"email": email, "password": password})


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_it_sends_anonymous_visitors_to_sign_in():
    response = Client().get(reverse("people:pupil_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_it_signs_a_tutor_in_without_a_second_factor(world):
    client = Client()
    response = sign_in(client, "TESS@oakfield.test")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=world.tutor).exists()


def test_it_refuses_a_wrong_password_with_a_clear_message_and_records_it(world):
    response = sign_in(Client(), world.tutor.email, "wrong-password-here")
    assert "do not match an account" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", object_id=world.tutor.email).exists()


def test_it_holds_a_dsl_at_the_second_factor_until_a_valid_code(world):
    device = TOTPDevice.objects.create(user=world.dsl, name="phone", confirmed=True)
    client = Client()
    response = sign_in(client, world.dsl.email)
    assert reverse("accounts:two_factor") in response["Location"]
    blocked = client.get(reverse("people:pupil_list"))
    assert blocked.status_code == 302 and reverse("accounts:two_factor") in blocked["Location"]
    wrong = client.post(
        reverse("accounts:two_factor"), {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert "not right" in wrong.content.decode()
    again = client.post(reverse("accounts:two_factor"), {"token": current_code(device)})
    assert "Too many wrong codes" in again.content.decode()  # django-otp's back-off after a failure
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post(reverse("accounts:two_factor"), {"token": current_code(device)})
    assert ok.status_code == 302
    assert client.get(reverse("people:pupil_list")).status_code == 200


def test_it_refuses_a_code_used_twice(world):
    device = TOTPDevice.objects.create(user=world.dsl, name="phone", confirmed=True)
    first = Client()
    sign_in(first, world.dsl.email)
    code = current_code(device)
    assert first.post(reverse("accounts:two_factor"), {"token": code}).status_code == 302
    second = Client()
    sign_in(second, world.dsl.email)
    assert "not right" in second.post(reverse("accounts:two_factor"), {"token": code}).content.decode()


def test_it_ends_a_session_after_twelve_hours_however_active(world):
    client = Client()
    sign_in(client, world.tutor.email)
    session = client.session
    session[AUTH_AT] = time.time() - 12 * 3600 - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def _stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_it_expires_idle_sessions_after_thirty_minutes(world, settings):
    """A session left alone past the idle limit is gone: the next request is sent to sign in."""
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = Client()
    sign_in(client, world.tutor.email)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_it_moves_the_idle_expiry_on_at_most_once_a_minute(world, settings):
    """An active session is written again once its last write is a minute old, not on every request."""
    client = Client()
    sign_in(client, world.tutor.email)
    client.get(reverse("home"))
    first = _stored_expiry(client)
    assert first > timezone.now() + datetime.timedelta(minutes=29)
    client.get(reverse("home"))
    assert _stored_expiry(client) == first  # within the minute: no write
    session = client.session
    session[TOUCHED_AT] = time.time() - settings.SESSION_TOUCH_SECONDS - 1
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=5)
    )
    client.get(reverse("home"))
    assert _stored_expiry(client) > timezone.now() + datetime.timedelta(minutes=29)


def test_it_requires_twelve_character_passwords_that_are_not_common():
    with pytest.raises(ValidationError):
        validate_password("short-pw")
    with pytest.raises(ValidationError):
        validate_password("password1234")
    validate_password("a sensible long passphrase")


def test_it_marks_signed_in_pages_no_store(world):
    client = Client()
    sign_in(client, world.tutor.email)
    assert "no-store" in client.get(reverse("home"))["Cache-Control"]


def test_it_signs_out_only_by_post(world):
    client = Client()
    sign_in(client, world.tutor.email)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
