"""The demo world: deterministic, complete, and every printed login works."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from access.models import RoleAssignment
from access.roles import Role
from demo.registry import DEMO_PASSWORD
from demo.world import build_world
from organisations.models import Organisation
from people.models import Pupil
from people.validation import validate_upn

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def test_it_builds_every_kind_of_organisation_and_about_1600_pupils():
    world = build_world(today=TODAY, run_builders=False)
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {"provider", "university", "school", "college", "group"}
    assert 1500 <= Pupil.objects.count() <= 1700
    memberships = {m for s in world.schools for m in s.associations_on(TODAY)}
    assert {"HMC", "HMCJ", "GSA"} <= memberships
    assert any(not s.associations_on(TODAY) for s in world.schools)  # the non-member school
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert {r.value for r in Role if r not in (Role.PARTICIPANT, Role.MENTOR)} <= held


def test_it_makes_valid_upns():
    build_world(today=TODAY, run_builders=False)
    for upn in Pupil.objects.exclude(upn="").values_list("upn", flat=True)[:300]:
        validate_upn(upn)


@pytest.mark.django_db(transaction=True)
def test_it_is_deterministic_for_a_seed():
    build_world(today=TODAY, run_builders=False)
    first = list(
        Pupil.objects.order_by("mis_id").values_list(
            "mis_id", "legal_first_name", "legal_last_name", "date_of_birth"
        )[:50]
    )
    call_command("flush", "--no-input", verbosity=0)
    build_world(today=TODAY, run_builders=False)
    second = list(
        Pupil.objects.order_by("mis_id").values_list(
            "mis_id", "legal_first_name", "legal_last_name", "date_of_birth"
        )[:50]
    )
    assert first == second


def test_it_signs_in_every_printed_login_and_lands_on_home():
    world = build_world(today=TODAY, run_builders=False)
    assert len(world.logins) >= 14
    for login in world.logins:
        client = Client()
        response = client.post(reverse("accounts:login"), {"email": login.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login
        expected = reverse("accounts:two_factor") if login.needs_two_factor else reverse("home")
        assert response["Location"].startswith(expected), login


def test_it_multiplies_schools_with_scale():
    world = build_world(today=TODAY, scale=2, pupils_per_school=50, run_builders=False)
    assert len(world.schools) == 12
