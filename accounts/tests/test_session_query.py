"""One query reads the session, its user and the user's roles (accounts/sessions.py), checking what Django checks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.models import RoleAssignment
from core.testing.personas import build_school_world, client_for

pytestmark = pytest.mark.django_db


def test_it_reads_the_session_the_user_and_their_roles_in_one_query():
    world = build_school_world()
    client = client_for(world.tutor)  # second factor verified
    client.get(reverse("healthz"))  # the first request after sign-in writes the session (its start time)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified()
    sql = [q["sql"] for q in queries]
    assert len(sql) == 2  # the session with its user, roles and device; the health check's SELECT 1
    assert all(table in sql[0] for table in ("accounts_user", "access_roleassignment", "otp_totp_totpdevice"))


def test_it_gives_the_page_the_roles_the_joined_query_read():
    world = build_school_world()
    client = client_for(world.tutor)
    assert client.get(reverse("attendance:my_registers")).status_code == 200
    RoleAssignment.objects.filter(user=world.tutor).delete()
    # no role left in any organisation: the group is outside what they reach
    assert client.get(reverse("attendance:register", args=[world.group_9a.pk])).status_code == 404


def test_it_signs_out_a_session_whose_password_changed_since():
    world = build_school_world()
    client = client_for(world.tutor)
    world.tutor.set_password("a-new-long-passphrase-1")
    world.tutor.save()
    response = client.get(reverse("attendance:my_registers"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_it_refuses_a_deactivated_user_with_a_live_session():
    world = build_school_world()
    client = client_for(world.tutor)
    world.tutor.is_active = False
    world.tutor.save()
    response = client.get(reverse("attendance:my_registers"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
