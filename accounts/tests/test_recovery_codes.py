"""Recovery codes: ten, shown once at set-up, stored hashed, each signs in once in place of the app's code."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import RecoveryCode, RecoveryCodeDevice, recovery_code_hash
from accounts.tests.helpers import RECOVERY_CODE, enrolled, mails_to, sign_in
from audit.models import AuditEvent
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


world = shared_world()


def test_it_shows_ten_recovery_codes_once_and_stores_only_their_hashes(world, committed):
    """Ten different codes at set-up; the database keeps hashes; the person's page never shows them again."""
    client, _device, codes = enrolled(committed, world.dsl)
    assert len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(device__user=world.dsl).values_list("code_hash", flat=True))
    assert stored == {recovery_code_hash(world.dsl.pk, code) for code in codes}
    assert not any(code in hashed or code.replace("-", "") in hashed for code in codes for hashed in stored)
    page = client.get(reverse("accounts:second_factor")).content.decode()
    assert "10 unused" in page and not RECOVERY_CODE.findall(page)


def test_it_signs_in_with_a_recovery_code_once_and_audits_it(world, committed):
    """A recovery code replaces the app's code once: audited, the person e-mailed, then refused."""
    _client, _device, codes = enrolled(committed, world.dsl)
    phone_lost = Client()
    sign_in(phone_lost, world.dsl.email)
    response = committed(phone_lost.post, reverse("accounts:two_factor"), {"token": codes[3].upper()})
    assert response.status_code == 302 and reverse("accounts:second_factor") in response["Location"]
    assert phone_lost.get(reverse("people:pupil_list")).status_code == 200
    device = RecoveryCodeDevice.objects.get(user=world.dsl)
    assert device.codes.count() == 9
    assert AuditEvent.objects.filter(
        action="update",
        actor=world.dsl,
        object_type="accounts.RecoveryCodeDevice",
        note__contains="recovery code used",
    ).exists()
    assert mails_to(world.dsl.email, "recovery code was used")
    again = Client()
    sign_in(again, world.dsl.email)
    refused = again.post(reverse("accounts:two_factor"), {"token": codes[3]})
    assert "not right" in refused.content.decode()
    assert again.get(reverse("people:pupil_list")).status_code == 302


def test_it_makes_new_recovery_codes_and_withdraws_the_old_ones(world, committed):
    """New codes from the person's own page: the old ones stop working, the new ones work, the person is e-mailed."""
    client, _device, old = enrolled(committed, world.senco)
    page = committed(client.post, reverse("accounts:second_factor"))
    new = RECOVERY_CODE.findall(page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert mails_to(world.senco.email, "new recovery codes")
    assert AuditEvent.objects.filter(note__contains="new recovery codes made", actor=world.senco).exists()
    stale = Client()
    sign_in(stale, world.senco.email)
    assert "not right" in stale.post(reverse("accounts:two_factor"), {"token": old[0]}).content.decode()
    RecoveryCodeDevice.objects.get(
        user=world.senco
    ).throttle_reset()  # django-otp's back-off after the wrong code
    fresh = Client()
    sign_in(fresh, world.senco.email)
    assert fresh.post(reverse("accounts:two_factor"), {"token": new[0]}).status_code == 302


def test_it_asks_for_the_second_factor_before_the_recovery_codes_page(world, committed):
    """The person's own second-factor page is under /accounts/ but still needs the second factor."""
    enrolled(committed, world.dsl)
    client = Client()
    sign_in(client, world.dsl.email)
    for response in (
        client.get(reverse("accounts:second_factor")),
        client.post(reverse("accounts:second_factor")),
    ):
        assert response.status_code == 302 and reverse("accounts:two_factor") in response["Location"]
    assert RecoveryCode.objects.filter(device__user=world.dsl).count() == 10
