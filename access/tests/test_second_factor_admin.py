"""The school administrator sends enrolment links and resets a colleague's second factor; nobody else can, and
another school's staff are out of reach."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentLink, RecoveryCodeDevice
from accounts.tests.helpers import (
    code_for,
    enrol_with_link,
    enrolled,
    enrolment_link_paths,
    mails_to,
    sign_in,
)
from audit.models import AuditEvent
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from people.models import StaffMember

pytestmark = pytest.mark.django_db


world = shared_world()


def staff_of(world, user):
    return StaffMember.objects.get(organisation=world.school, user=user)


def urls(member):
    return [
        ("get", reverse("access:second_factor", args=[member.pk]), {}),
        ("post", reverse("access:second_factor_link", args=[member.pk]), {}),
        ("post", reverse("access:second_factor_reset", args=[member.pk]), {"reason": "Lost phone"}),
    ]


def test_it_shows_the_administrator_a_colleagues_second_factor_but_never_the_key(world, committed):
    """The page says what the DSL has; no key, QR code or link is shown to the administrator."""
    enrolled(committed, world.dsl)
    page = client_for(world.admin).get(reverse("access:second_factor", args=[staff_of(world, world.dsl).pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "Dee Lead" in body and "10 unused" in body
    assert "<svg" not in body and "/accounts/enrol/" not in body and "otpauth" not in body
    staff_list = client_for(world.admin).get(reverse("access:staff_list")).content.decode()
    assert reverse("access:second_factor", args=[staff_of(world, world.dsl).pk]) in staff_list


def test_it_emails_an_enrolment_link_the_administrator_sends(world, committed):
    """The link goes to the person's own address (not to the administrator), and the sending is audited."""
    admin = client_for(world.admin)
    response = committed(
        admin.post, reverse("access:second_factor_link", args=[staff_of(world, world.senco).pk])
    )
    assert response.status_code == 302
    assert len(enrolment_link_paths(world.senco.email)) == 1
    assert not enrolment_link_paths(world.admin.email)
    link = EnrolmentLink.objects.get(user=world.senco)
    assert link.reason == EnrolmentLink.Reason.ADMINISTRATOR and link.created_by == world.admin
    assert AuditEvent.objects.filter(
        action="create", actor=world.admin, object_type="accounts.EnrolmentLink", organisation=world.school
    ).exists()


def test_it_resets_a_second_factor_so_the_old_code_no_longer_signs_in(world, committed):
    """After a reset the old app's code and recovery codes are refused, sessions verified with them lose it,
    the reset is audited, and the person is e-mailed that the app was removed and a new link."""
    dsl_session, old_device, codes = enrolled(committed, world.dsl)
    assert dsl_session.get(reverse("people:pupil_list")).status_code == 200
    old_code = code_for(old_device, ahead=1)
    admin = client_for(world.admin)
    response = committed(
        admin.post,
        reverse("access:second_factor_reset", args=[staff_of(world, world.dsl).pk]),
        {"reason": "Phone lost on a school trip"},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.dsl).exists()
    assert not RecoveryCodeDevice.objects.filter(user=world.dsl).exists()
    # The session verified with the old authenticator is sent back to the second factor.
    blocked = dsl_session.get(reverse("people:pupil_list"))
    assert blocked.status_code == 302 and reverse("accounts:two_factor") in blocked["Location"]
    for code in (old_code, codes[0]):
        client = Client()
        sign_in(client, world.dsl.email)
        page = client.post(reverse("accounts:two_factor"), {"token": code})
        assert "Check your e-mail for the enrolment link" in page.content.decode()
        assert client.get(reverse("people:pupil_list")).status_code == 302
    event = AuditEvent.objects.get(action="delete", object_type="accounts.User", object_id=str(world.dsl.pk))
    assert event.actor == world.admin and event.organisation == world.school
    assert "Phone lost on a school trip" in event.note and event.changes["authenticator_apps"] == [1, 0]
    [removed] = mails_to(world.dsl.email, "two-factor sign-in was reset")
    assert "Phone lost on a school trip" in removed.body
    assert len(enrolment_link_paths(world.dsl.email)) == 2  # the first set-up's and the reset's
    assert EnrolmentLink.objects.filter(user=world.dsl, reason=EnrolmentLink.Reason.RESET).exists()


def test_it_sets_up_a_new_authenticator_from_the_reset_link(world, committed):
    """The link the reset sends works: a new authenticator, new recovery codes, and an e-mail that one was added."""
    enrolled(committed, world.dsl)
    committed(
        client_for(world.admin).post,
        reverse("access:second_factor_reset", args=[staff_of(world, world.dsl).pk]),
        {"reason": "New phone"},
    )
    client = Client()
    sign_in(client, world.dsl.email)
    device, codes = committed(enrol_with_link, client, enrolment_link_paths(world.dsl.email)[-1])
    assert device.confirmed and len(codes) == 10
    assert client.get(reverse("people:pupil_list")).status_code == 200
    assert len(mails_to(world.dsl.email, "authenticator app was added")) == 2


def test_it_asks_why_before_resetting(world, committed):
    """No reason, no reset: the form says what is missing and the authenticator stays."""
    enrolled(committed, world.dsl)
    response = client_for(world.admin).post(
        reverse("access:second_factor_reset", args=[staff_of(world, world.dsl).pk]), {"reason": "  "}
    )
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert TOTPDevice.objects.filter(user=world.dsl, confirmed=True).exists()


@outsider_test("access:second_factor", "access:second_factor_link", "access:second_factor_reset")
def test_it_answers_404_for_another_schools_staff(world, committed):
    """Riverside's administrator cannot see or touch the second factor of Oakfield's DSL."""
    enrolled(committed, world.dsl)
    outsider = client_for(world.other_admin)
    for method, url, data in urls(staff_of(world, world.dsl)):
        assert_outsider_404(outsider, url, method, data)
    assert TOTPDevice.objects.filter(user=world.dsl, confirmed=True).exists()
    assert (
        EnrolmentLink.objects.filter(user=world.dsl, reason=EnrolmentLink.Reason.ADMINISTRATOR).count() == 0
    )


def test_it_refuses_the_second_factor_pages_to_anyone_but_the_administrator(world, committed):
    """A senior leader or the DSL of the same school gets 403, and nothing changes."""
    enrolled(committed, world.dsl)
    for user in (world.senior, world.dsl):
        client = client_for(user)
        for method, url, data in urls(staff_of(world, world.senco)):
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    assert not EnrolmentLink.objects.filter(user=world.senco).exists()
    assert TOTPDevice.objects.filter(user=world.dsl, confirmed=True).exists()
    assert AuditEvent.objects.filter(
        action="denied", actor=world.senior, object_type="people.StaffMember"
    ).exists()


def test_it_will_not_send_a_link_to_someone_who_has_an_authenticator(world, committed):
    """An authenticator is replaced by a reset, not by a second link."""
    enrolled(committed, world.dsl)
    response = client_for(world.admin).post(
        reverse("access:second_factor_link", args=[staff_of(world, world.dsl).pk]), follow=True
    )
    assert "already has an authenticator app" in response.content.decode()
    assert EnrolmentLink.objects.filter(user=world.dsl).count() == 1
