"""A group of schools' dashboard reads each figure once over every member school: no query per school."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.roles import Role
from core.testing.clock import fixed_clock
from core.testing.factories import OrganisationFactory, PupilFactory, RoleFactory, UserFactory
from core.testing.personas import client_for
from early_warning.tests.helpers import AT, grades, incident, sessions, suspension

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
    client = client_for(user)
    client.get(reverse("insights:dashboard"))  # the session and its caches, as a second page view would have
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 200
    return len(queries.captured_queries)


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
