"""A group of schools' dashboard reads each figure once over every member school: no query per school."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from access.roles import Role
from core.testing.clock import fixed_clock
from core.testing.factories import OrganisationFactory, PupilFactory, RoleFactory, UserFactory
from early_warning.tests.helpers import AT, grades, incident, queries_for, sessions, suspension

pytestmark = pytest.mark.django_db


def _school(trust: Any, n: int, staff: Any) -> None:
    school = OrganisationFactory(name=f"School {n}", slug=f"school-{n}", parent=trust)
    for _ in range(2):
        pupil = PupilFactory(organisation=school, year_group=9)
        sessions(pupil, datetime.date(2026, 11, 16), ["/", "I"] * 5)
        incident(pupil, days_ago=2, severity=5, recorded_by=staff)
        suspension(pupil, datetime.date(2026, 11, 20), staff)
        grades(pupil, {"MA": [0, -1], "EN": [-1, -2]})


def _queries(user: Any) -> int:
    return queries_for(user, reverse("insights:dashboard"))


def test_the_trust_dashboard_reads_the_same_number_of_queries_for_2_or_4_schools(monkeypatch):
    fixed_clock(monkeypatch, AT)
    trust = OrganisationFactory(name="Vale Trust", slug="vale", kind="group")
    leader = UserFactory()
    RoleFactory(organisation=trust, user=leader, role=Role.SENIOR_LEADER)
    for n in range(2):
        _school(trust, n, leader)
    two = _queries(leader)
    for n in range(2, 4):
        _school(trust, n, leader)
    assert _queries(leader) == two
