"""The figures pages, exports, the PAL's caseload view, home panels and the pupil-profile section."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.tests.helpers import mark, marks
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


# The pages read today themselves: a fixed Wednesday in the autumn term, so the twenty days of marks before it
# fall inside this academic year whatever day the suite runs.
TODAY = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.UTC)


def _build_world():
    w = build_school_world()
    start = timezone.localdate() - datetime.timedelta(days=20)
    marks(w.alice, ["/"] * 9 + ["N"], start=start)  # exactly 10%
    marks(w.ben, ["/"] * 10, start=start)
    marks(w.dan, ["I", "/"] * 5, start=start)  # 50%
    marks(w.rory, ["O"] * 10, start=start)  # another school
    return w


world = shared_world(_build_world, at=TODAY)


def _range():
    today = timezone.localdate()
    return {"start": f"{today - datetime.timedelta(days=30):%Y-%m-%d}", "end": f"{today:%Y-%m-%d}"}


def test_it_shows_the_school_dashboard_with_trend_data_as_json(world):
    response = client_for(world.attendance_officer).get(reverse("attendance:dashboard"), _range())
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        response.context["totals"]["possible"] == 30
        and response.context["persistent"] == 2
        and response.context["severe"] == 1
    )
    assert (
        'id="trend-data" type="application/json"' in body
        and "chart-4.6.1.umd.min.js" in body
        and "Rory" not in body
    )
    assert "<script>" not in body


def test_it_narrows_figures_to_a_year_and_a_group(world):
    client = client_for(world.senior)
    assert (
        client.get(reverse("attendance:dashboard"), {**_range(), "year": 10}).context["totals"]["possible"]
        == 10
    )
    assert (
        client.get(reverse("attendance:dashboard"), {**_range(), "group": world.group_9a.pk}).context[
            "totals"
        ]["possible"]
        == 20
    )


def test_a_trust_leader_narrows_to_one_school_before_choosing_its_groups(world):
    from access.models import RoleAssignment
    from access.roles import Role
    from core.testing.factories import OrganisationFactory, UserFactory

    trust = OrganisationFactory(name="Oak Trust", kind="group")
    world.school.parent = trust
    world.school.save()
    world.other_school.parent = trust
    world.other_school.save()
    leader = UserFactory()
    RoleAssignment.objects.create(
        organisation=trust, user=leader, role=Role.SENIOR_LEADER, starts_on=datetime.date(2020, 1, 1)
    )
    client = client_for(leader)
    whole = client.get(reverse("attendance:dashboard"), _range())
    assert whole.status_code == 200 and whole.context["totals"]["possible"] == 40
    assert "group" not in whole.context["form"].fields and "All schools" in whole.content.decode()
    one = client.get(reverse("attendance:dashboard"), {**_range(), "school": world.school.pk})
    assert one.context["totals"]["possible"] == 30 and "Oak Trust, Oakfield School" in one.content.decode()
    offered = list(one.context["form"].fields["group"].queryset)
    assert world.group_9a in offered and {g.organisation_id for g in offered} == {world.school.pk}
    narrowed = client.get(
        reverse("attendance:dashboard"), {**_range(), "school": world.school.pk, "group": world.group_9a.pk}
    )
    assert narrowed.context["totals"]["possible"] == 20
    refused = client.get(reverse("attendance:dashboard"), {**_range(), "school": OrganisationFactory().pk})
    assert refused.context["form"].errors["school"] and refused.context["totals"]["possible"] == 40


def test_it_lists_persistent_absence_including_exactly_ten_percent(world):
    response = client_for(world.attendance_officer).get(reverse("attendance:absence_list"), _range())
    body = response.content.decode()
    assert "Alice Archer" in body and "Dan Dyer" in body and "Ben Baker" not in body and "Rory" not in body
    severe = (
        client_for(world.attendance_officer)
        .get(reverse("attendance:absence_list"), {**_range(), "level": "severe"})
        .content.decode()
    )
    assert "Dan Dyer" in severe and "Alice Archer" not in severe


def test_it_exports_the_list_to_csv_and_xlsx(world):
    client = client_for(world.attendance_officer)
    csv = client.get(reverse("attendance:absence_list"), {**_range(), "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "Alice Archer" in text and "10.0" in text and "Ben Baker" not in text
    xlsx = client.get(reverse("attendance:absence_list"), {**_range(), "format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Alice Archer", "Dan Dyer"]


def test_it_refuses_figures_to_a_tutor_with_403(world):
    assert client_for(world.tutor).get(reverse("attendance:dashboard")).status_code == 403
    assert client_for(world.tutor).get(reverse("attendance:absence_list")).status_code == 403


def test_it_shows_the_pal_their_caseload_today(world):
    today = timezone.localdate()
    mark(world.alice, today, "AM", "N")
    response = client_for(world.pal).get(reverse("attendance:caseload"))
    body = response.content.decode()
    assert response.status_code == 200
    assert [r["group"].name for r in response.context["rows"]] == ["9A", "10A"]  # natural order
    assert "Dan Dyer" in body  # at risk: severe
    assert "Cleo" not in body
    assert client_for(world.tutor).get(reverse("attendance:caseload")).status_code == 403


def test_it_pages_the_pals_students_at_risk_worst_first(world, monkeypatch):
    from attendance.views import followup

    monkeypatch.setattr(followup, "AT_RISK_PAGE", 1)
    client = client_for(world.pal)
    first = client.get(reverse("attendance:caseload")).content.decode()
    second = client.get(reverse("attendance:caseload"), {"page": 2}).content.decode()
    assert "2 pupils, worst first" in first and "Page 1 of 2" in first
    assert "Dan Dyer" in first and "Alice Archer" not in first
    assert "Alice Archer" in second and "Dan Dyer" not in second


def test_it_adds_home_panels_for_the_officer_and_the_pal(world):
    officer_home = client_for(world.attendance_officer).get(reverse("home")).content.decode()
    assert (
        "Attendance today" in officer_home
        and "not taken" in officer_home
        and "overdue N mark" in officer_home
    )
    pal_home = client_for(world.pal).get(reverse("home")).content.decode()
    assert "Caseload attendance today" in pal_home


def test_it_adds_an_attendance_section_to_the_pupil_profile(world):
    body = client_for(world.tutor).get(reverse("people:pupil_detail", args=[world.alice.pk])).content.decode()
    assert "Attendance history for Alice Archer" in body and "Persistent absence" in body


def test_it_shows_a_pupil_history_to_their_tutor_but_not_another_tutor(world):
    assert client_for(world.tutor).get(reverse("attendance:pupil", args=[world.alice.pk])).status_code == 200
    assert client_for(world.tutor).get(reverse("attendance:pupil", args=[world.cleo.pk])).status_code == 403


def test_a_page_past_the_end_of_the_list_shows_the_last_page(world):
    client = client_for(world.attendance_officer)
    response = client.get(reverse("attendance:absence_list"), {**_range(), "page": 99})
    body = response.content.decode()
    assert response.status_code == 200 and response.context["count"] == 2
    assert response.context["page_obj"].number == 1 and "Alice Archer" in body and "Dan Dyer" in body
    assert client.get(reverse("attendance:absence_list"), {**_range(), "page": "x"}).context["count"] == 2


def test_a_head_of_year_sees_the_figures_of_their_own_year_only(world):
    """Hugo leads year 9: Alice and Ben's 20 possible sessions, never Dan's (year 10), whatever year he asks for."""
    client = client_for(world.head_of_year9)
    response = client.get(reverse("attendance:dashboard"), _range())
    assert response.status_code == 200 and response.context["totals"]["possible"] == 20
    assert [label for _, label in response.context["form"].fields["year"].choices] == ["Year 9"]
    asked_for_ten = client.get(reverse("attendance:dashboard"), {**_range(), "year": 10})
    assert asked_for_ten.context["totals"]["possible"] == 20  # not Dan's 10
    listed = client.get(reverse("attendance:absence_list"), _range()).content.decode()
    assert "Alice Archer" in listed and "Dan Dyer" not in listed
    csv = client.get(reverse("attendance:absence_list"), {**_range(), "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert "Alice Archer" in csv and "Dan Dyer" not in csv
    home = client.get(reverse("home")).content.decode()
    assert reverse("attendance:dashboard") in home  # the navigation item for their year


def test_a_head_of_another_year_sees_only_theirs(world):
    response = client_for(world.head_of_year10).get(
        reverse("attendance:absence_list"), {**_range(), "level": "severe"}
    )
    body = response.content.decode()
    assert "Dan Dyer" in body and "Alice Archer" not in body
