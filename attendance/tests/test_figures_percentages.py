"""Every rate on the figures pages and in their exports reads as a percentage with one decimal."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from attendance.templatetags.attendance_tags import percent
from attendance.tests.helpers import MONDAY, marks
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

WEEK = {"start": f"{MONDAY:%Y-%m-%d}", "end": f"{MONDAY + datetime.timedelta(days=4):%Y-%m-%d}"}


def _build_world():
    w = build_school_world()
    marks(w.alice, ["/"] * 9 + ["N"])  # 9 of 10
    marks(w.ben, ["/"] * 5 + ["I"])  # 5 of 6: 83.3%
    return w  # the week: 14 of 16 possible sessions attended, 87.5%


world = shared_world(_build_world)


def test_it_shows_the_weekly_table_in_percentages_like_the_tiles(world):
    """The weekly trend row says 87.5% and 12.5%, as the tiles do, never the fraction 0.875."""
    response = client_for(world.attendance_officer).get(reverse("attendance:dashboard"), WEEK)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<td class="num">16</td><td class="num">87.5%</td><td class="num">12.5%</td>' in body
    assert "<strong>87.5%</strong> attendance rate" in body
    assert "0.875" not in body and "0.125" not in body
    assert response.context["chart"]["attendance"] == [87.5] and response.context["chart"]["absence"] == [
        12.5
    ]


def test_it_exports_rates_as_numeric_percentages_with_one_decimal(world):
    """The CSV keeps numbers a spreadsheet can sort, in columns headed as percentages: 83.3, not 0.8333."""
    response = client_for(world.attendance_officer).get(
        reverse("attendance:absence_list"), {**WEEK, "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    ben = next(row for row in rows if row["Pupil"] == "Ben Baker")
    assert (ben["Attendance %"], ben["Absence %"]) == ("83.3", "16.7")


def test_it_formats_a_rate_with_one_decimal_and_a_dash_for_none():
    """11 of 12 is 91.7%; a scope with no possible sessions has no rate."""
    assert percent(11 / 12) == "91.7%"
    assert percent(1.0) == "100.0%" and percent(0.0) == "0.0%"
    assert percent(None) == "—"
