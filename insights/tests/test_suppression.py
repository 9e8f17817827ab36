"""Small-number suppression on figures that leave the school: a row of 5 is shown, a row of 4 is "<5"; in a row
of 5 or more a count of 1–4 is "<5", a count of 5 is shown, a rate over fewer than 5 students is "<5"."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from core.testing.clock import fixed_clock
from core.testing.factories import PupilFactory, UserFactory
from core.testing.personas import build_group_of_schools, client_for
from early_warning.tests.helpers import AT, incident, sessions
from insights.selectors import COLUMNS, suppress_row


def _row(**figures):
    row = {c.key: 0 for c in COLUMNS}
    row.update({"with_marks": 0, "with_results": 0, "attendance": None, "on_target": None})
    row.update(figures)
    return row


def test_a_row_of_exactly_five_students_is_shown_and_a_count_of_four_is_not():
    out = suppress_row(
        _row(students=5, negative=5, with_negative=4, suspensions=0, with_marks=5, attendance=0.9)
    )
    assert (out["students"], out["negative"], out["with_negative"]) == (5, 5, "<5")
    assert out["suspensions"] == 0  # a zero in a row of five singles nobody out
    assert out["attendance"] == 0.9


def test_a_row_of_four_students_is_suppressed_in_every_cell():
    out = suppress_row(_row(students=4, negative=7, with_marks=4, attendance=0.8))
    assert all(out[c.key] == "<5" for c in COLUMNS)


def test_a_rate_over_fewer_than_five_students_is_suppressed():
    out = suppress_row(_row(students=20, with_marks=20, attendance=0.9, with_results=4, on_target=0.5))
    assert out["attendance"] == 0.9 and out["on_target"] == "<5"


@pytest.mark.django_db
def test_a_group_of_schools_export_suppresses_and_a_school_export_does_not(monkeypatch):
    """North has 5 students (one with 4 negative incidents, 5 with a mark), South 4: the trust's export by school
    shows North's 5 and South's "<5"; North's own senior leader downloads the exact figures."""
    fixed_clock(monkeypatch, AT)
    vale = build_group_of_schools("North School", "South School")
    (north, south), leader, head = vale.schools, vale.leader, vale.head
    staff = UserFactory()
    for school, n in ((north, 5), (south, 4)):
        for _ in range(n):
            sessions(PupilFactory(organisation=school), datetime.date(2026, 11, 23), ["/"] * 10)
    first_north = north.pupils.order_by("pk").first()
    for days_ago in range(4):
        incident(first_north, days_ago=days_ago, severity=1, recorded_by=staff)
    response = client_for(leader).get(reverse("insights:dashboard"), {"by": "school", "export": "breakdown"})
    rows = {r["School"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows["North School"]["Students"] == "5"
    assert rows["North School"]["Negative incidents"] == "<5"
    assert rows["North School"]["Attendance %"] == "100.0"
    assert set(rows["South School"].values()) == {"South School", "<5"}
    page = client_for(leader).get(reverse("insights:dashboard"), {"by": "school"})
    assert (
        page.status_code == 200 and page.context["suppressed"]
    )  # on screen, the leader's own figures are exact
    assert {r["label"]: r["students"] for r in page.context["rows"]} == {"North School": 5, "South School": 4}
    assert "shows as “&lt;5”" in page.content.decode()
    own = client_for(head).get(reverse("insights:dashboard"), {"export": "headline"})
    (row,) = csv.DictReader(io.StringIO(own.content.decode("utf-8-sig")))
    assert row["Negative incidents"] == "4" and row["Students"] == "5"


@pytest.mark.django_db
def test_a_group_leader_is_pointed_to_a_school_for_the_governors_report(monkeypatch):
    fixed_clock(monkeypatch, AT)
    vale = build_group_of_schools("North School")
    sessions(PupilFactory(organisation=vale.schools[0]), datetime.date(2026, 11, 23), ["/"] * 10)
    report_link = f'href="{reverse("insights:reports")}"'
    group_page, school_page = vale.pages(reverse("insights:dashboard"))
    assert report_link not in group_page
    assert "The governors’ termly report is each school’s own: switch to the school" in group_page
    assert report_link in school_page and "switch to the school" not in school_page
