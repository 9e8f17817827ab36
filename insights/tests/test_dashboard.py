"""The dashboard's figures, hand-computed on the built world (tests/conftest.py), per role and breakdown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.personas import client_for

pytestmark = pytest.mark.django_db


def _get(user, **params):
    response = client_for(user).get(reverse("insights:dashboard"), params)
    assert response.status_code == 200, response.content[:300]
    return response


def test_it_counts_the_whole_school_for_a_senior_leader(world):
    """4 students; attendance (17 + 5) / (20 + 10) = 73.3%; Alice (15%) and Dan (50%) persistently absent;
    1 positive, 2 negative (1 student); 1 suspension (Ben's is withdrawn); PSPs: 2 opened, 1 closed successful;
    results at target 1 of 3 courses; Alice below in 2; flagged: Alice and Dan (Cleo's CP line is not the
    senior leader's, so her 2 points do not flag her)."""
    headline = _get(world.senior).context["headline"]
    assert headline["students"] == 4
    assert headline["attendance"] == pytest.approx(22 / 30)
    assert headline["persistent"] == 2
    assert (headline["positive"], headline["negative"], headline["with_negative"]) == (1, 2, 1)
    assert (headline["suspensions"], headline["suspended"], headline["exclusions"]) == (1, 1, 0)
    assert (headline["psps_opened"], headline["psps_successful"], headline["psps_unsuccessful"]) == (2, 1, 0)
    assert headline["on_target"] == pytest.approx(1 / 3)
    assert headline["below_two"] == 1
    assert headline["flagged"] == 2


def test_it_breaks_down_by_year_sex_sen_and_pupil_premium(world):
    from early_warning.models import StudentFactor

    StudentFactor.objects.create(organisation=world.school, pupil=world.dan, pupil_premium=True)
    rows = {r["label"]: r for r in _get(world.senior, by="year").context["rows"]}
    assert (rows["Year 9"]["students"], rows["Year 10"]["students"]) == (3, 1)
    assert rows["Year 9"]["attendance"] == pytest.approx(17 / 20)
    assert rows["Year 10"]["suspensions"] == 1
    sex = {r["label"]: r["students"] for r in _get(world.senior, by="sex").context["rows"]}
    assert sex["Female"] == 1
    sen = {r["label"]: r["students"] for r in _get(world.senior, by="sen").context["rows"]}
    assert sen["EHC plan"] == 1
    premium = {r["label"]: r for r in _get(world.senior, by="pupil_premium").context["rows"]}
    assert premium["Pupil premium"]["students"] == 1 and premium["Pupil premium"]["flagged"] == 1
    groups = [r["label"] for r in _get(world.senior, by="group").context["rows"]]
    assert groups == ["9A", "9B", "10A"]


def test_it_narrows_to_a_date_range(world):
    """From 23 Nov: Alice 10 of 10 present, Dan 5 of 10: 75.0%; Ben's positive was on 25 Nov, Alice's negatives
    on 24 and 26 Nov."""
    headline = _get(world.senior, start="2026-11-23", end="2026-11-27").context["headline"]
    assert headline["attendance"] == pytest.approx(15 / 20)
    assert headline["persistent"] == 1
    assert headline["psps_opened"] == 0


def test_a_head_of_year_gets_their_year_and_a_pal_their_caseload(world):
    """Hugo (year 9): Alice, Ben, Cleo; 85.0%; flagged Alice only. Paul (9A and 10A): Alice, Ben, Dan."""
    year9 = _get(world.head_of_year9).context["headline"]
    assert (year9["students"], year9["flagged"]) == (3, 1)
    assert year9["attendance"] == pytest.approx(17 / 20)
    pal = _get(world.pal).context["headline"]
    assert (pal["students"], pal["flagged"]) == (3, 2)
    caseload = _get(world.pal, caseload="on").context["headline"]
    assert caseload["students"] == 3
    assert _get(world.head_of_year9, year="9").context["headline"]["students"] == 3


def test_it_shows_one_tutor_group(world):
    response = client_for(world.head_of_year9).get(reverse("insights:group", args=[world.group_9a.pk]))
    assert response.status_code == 200
    assert response.context["headline"]["students"] == 2


def test_it_never_counts_a_child_protection_line(world):
    """Cleo is flagged for the DSL (CP 3 + EHCP 2 = 5) but no dashboard role sees the CP line."""
    for user in (world.senior, world.head_of_year9, world.pal):
        rows = {r["label"]: r for r in _get(user, by="group").context["rows"]}
        if "9B" in rows:
            assert rows["9B"]["flagged"] == 0
    page = _get(world.senior).content.decode().lower()
    assert "protection" not in page and "looked after" not in page


def test_it_draws_charts_with_a_table_beside_each(world):
    response = _get(world.senior)
    page = response.content.decode()
    assert page.count("<canvas") == 3
    assert 'id="insights-charts"' in page and "chart-4.6.1.umd.min.js" in page
    assert response.context["charts"]["trend"]["attendance"]


def test_it_reads_each_figure_once_whatever_the_number_of_students(world):
    """No query per student: ten more students with marks, incidents and grades add no query."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.testing.factories import PupilFactory
    from early_warning.tests.helpers import grades, incident, sessions

    def count() -> int:
        client = client_for(world.senior)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("insights:dashboard")).status_code == 200
        return len(queries.captured_queries)

    before = count()
    for _ in range(10):
        pupil = PupilFactory(organisation=world.school, year_group=11)
        sessions(pupil, datetime.date(2026, 11, 16), ["/", "I"] * 5)
        incident(pupil, days_ago=2, severity=2, recorded_by=world.senior)
        grades(pupil, {"MA": [0, -1]})
    assert count() == before
