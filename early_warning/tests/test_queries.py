"""The list's number of queries does not grow with the number of students flagged nor with the number of schools
of a group evaluated together (the school's list and the trust's list)."""

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


def _flagged_pupil(school: Any, staff: Any) -> None:
    """A student every kind of indicator with data here flags: attendance, marks, behaviour, suspension, grades."""
    pupil = PupilFactory(organisation=school)
    sessions(
        pupil, datetime.date(2026, 11, 16), ["/"] * 4 + ["N", "O", "N", "L", "L", "U", "L", "L"] + ["I"] * 8
    )
    incident(pupil, days_ago=2, severity=5, recorded_by=staff)
    suspension(pupil, datetime.date(2026, 11, 20), staff)
    grades(pupil, {"MA": [0, -1], "EN": [0, -2]})


def _queries(user: Any) -> int:
    return queries_for(user, reverse("early_warning:list"))


def test_the_school_list_reads_the_same_number_of_queries_for_1_or_6_students(monkeypatch):
    fixed_clock(monkeypatch, AT)
    school = OrganisationFactory(name="Oakfield School", slug="oakfield")
    head = UserFactory()
    RoleFactory(organisation=school, user=head, role=Role.SENIOR_LEADER)
    _flagged_pupil(school, head)
    one = _queries(head)
    for _ in range(5):
        _flagged_pupil(school, head)
    six = _queries(head)
    assert six == one


def test_the_trust_list_reads_the_same_number_of_queries_for_2_or_4_schools(monkeypatch):
    fixed_clock(monkeypatch, AT)
    trust = OrganisationFactory(name="Vale Trust", slug="vale", kind="group")
    leader = UserFactory()
    RoleFactory(organisation=trust, user=leader, role=Role.SENIOR_LEADER)
    for n in range(2):
        _flagged_pupil(OrganisationFactory(name=f"School {n}", slug=f"school-{n}", parent=trust), leader)
    two = _queries(leader)
    for n in range(2, 4):
        school = OrganisationFactory(name=f"School {n}", slug=f"school-{n}", parent=trust)
        for _ in range(2):
            _flagged_pupil(school, leader)
    four = _queries(leader)
    assert four == two
