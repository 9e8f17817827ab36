"""Every printed demo login signs in through the real pages, second factor included, and reaches its home page."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import RoleAssignment
from access.permissions import requires_two_factor
from access.roles import TWO_FACTOR_ROLES
from accounts.models import User
from accounts.tests.helpers import code_for
from demo.registry import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_it_signs_in_as_every_printed_login_and_reaches_its_home_page(world):
    """Password, then (for the roles that need one) the demo authenticator's code, then the home page."""
    assert len(world.logins) >= 18
    for login in world.logins:
        user = User.objects.get(email=login.email)
        client = Client()
        response = client.post(reverse("accounts:login"), {"email": login.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login
        if login.needs_two_factor:
            assert response["Location"].startswith(reverse("accounts:two_factor")), login
            device = TOTPDevice.objects.get(user=user, name="Demo authenticator", confirmed=True)
            response = client.post(reverse("accounts:two_factor"), {"token": code_for(device)})
            assert response.status_code == 302, (login, response.content.decode()[-600:])
        assert response["Location"] == reverse("home"), login
        home = client.get(reverse("home"))
        body = home.content.decode()
        assert home.status_code == 200, login
        assert f", {escape(user.get_short_name())}</h1>" in body, login
        for role in RoleAssignment.objects.current().filter(user=user):
            assert escape(role.get_role_display()) in body, (login, role)


def test_it_marks_every_printed_login_that_needs_a_code_and_gives_it_an_authenticator(world):
    """The printout's "[two-factor: …]" matches the roles, whichever builder gave them, and the code command works."""
    for login in world.logins:
        user = User.objects.get(email=login.email)
        assert login.needs_two_factor == requires_two_factor(user), login
        if login.needs_two_factor:
            out = StringIO()
            call_command("demo_code", login.email, stdout=out)
            device = TOTPDevice.objects.get(user=user, name="Demo authenticator")
            assert out.getvalue().strip() in {code_for(device, ahead) for ahead in (-1, 0, 1)}, login
    printed = {login.email for login in world.logins if login.needs_two_factor}
    assert {"participant", "mentor"} <= {key for key, user in world.users.items() if user.email in printed}


def test_it_gives_everyone_in_the_demo_who_needs_a_second_factor_an_authenticator(world):
    """No demo account is left needing a second factor without one (nobody meets an enrolment page in the demo)."""
    holds = RoleAssignment.objects.current().filter(user=OuterRef("pk"), role__in=TWO_FACTOR_ROLES)
    needing = User.objects.filter(Exists(holds))
    assert needing.count() > 20
    assert not needing.exclude(totpdevice__confirmed=True).exists()
