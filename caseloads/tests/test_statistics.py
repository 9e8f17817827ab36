"""Caseload statistics on a hand-computed case: sessions delivered against those due, entitlement met and on
track, LPR completion this window and on time in closed windows, per group, PAL and school; the export; who
sees what."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from caseloads import services
from caseloads import statistics as stats
from caseloads.models import CaseloadSettings, GroupSession, Review
from core.testing.clock import fixed_clock
from core.testing.factories import (
    GroupFactory,
    GroupMembershipFactory,
    OrganisationFactory,
    RoleFactory,
    UserFactory,
)
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 18)


def _build_world():
    w = build_school_world()
    CaseloadSettings.objects.create(organisation=w.school, entitlement=3)
    year = services.academic_year_for(TODAY)
    for day, status in [
        ((9, 15), "delivered"),
        ((10, 6), "delivered"),
        ((10, 20), "planned"),  # missed: still planned after its day
        ((12, 8), "planned"),
        ((12, 10), "cancelled"),  # counts nowhere
    ]:
        GroupSession.objects.create(
            organisation=w.school,
            academic_year=year,
            group=w.group_9a,
            lead=w.pal,
            date=datetime.date(2026, *day),
            starts_at=datetime.time(9),
            ends_at=datetime.time(10),
            status=status,
        )
    first, second = services.windows_for(w.school, year)[:2]
    _signed(w, w.alice, first, on=datetime.datetime(2026, 10, 20, 15, 0, tzinfo=datetime.UTC))  # on time
    _signed(w, w.ben, first, on=datetime.datetime(2026, 11, 3, 15, 0, tzinfo=datetime.UTC))  # late
    _signed(w, w.alice, second)
    return w


world = shared_world(_build_world, at=datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC))


def _signed(w, pupil, window, on=None):
    review = services.review_start(actor=w.pal, pupil=pupil, window=window, held_on=window.opens_on)
    services.review_update(actor=w.pal, review=review, student_voice="", comment="Fine", risk="low")
    services.review_sign_off(actor=w.pal, review=review)
    if on is not None:
        Review.objects.filter(pk=review.pk).update(signed_off_at=on)


def _rows(w):
    pals = stats.caseload_group_pals([w.school.pk], TODAY)
    groups = [w.group_9a, w.group_10a]
    return stats.group_rows(groups, pals, TODAY)


def test_it_counts_each_group_by_hand(world):
    by_group = {r["label"]: r for r in stats.summarise(_rows(world), "group")}
    a, b = by_group["9A"], by_group["10A"]
    assert (a["delivered"], a["missed"], a["planned"], a["gap"]) == (2, 1, 1, 0)
    assert (a["delivered_pct"], a["met"], a["on_track"]) == (67, 0, 1)
    assert (a["lpr_done"], a["lpr_students"], a["lpr_pct"]) == (1, 2, 50)
    assert (a["lpr_on_time"], a["lpr_due"], a["on_time_pct"]) == (1, 2, 50)
    assert (b["delivered"], b["gap"], b["on_track"], b["delivered_pct"]) == (0, 3, 0, None)
    assert (b["lpr_done"], b["lpr_students"], b["lpr_on_time"], b["lpr_due"]) == (0, 1, 0, 1)


def test_it_sums_per_pal_and_in_total(world):
    (pal,) = stats.summarise(_rows(world), "pal")
    assert pal["label"] == "Paul Pal"
    assert (pal["groups"], pal["students"], pal["delivered"], pal["missed"]) == (2, 3, 2, 1)
    assert (pal["on_track_pct"], pal["lpr_pct"], pal["on_time_pct"]) == (50, 33, 33)
    assert pal["passports_total"] is None  # the school has no passport: no column
    (year9, year10) = stats.summarise(_rows(world), "year")
    assert (year9["students"], year10["students"]) == (2, 1)


def test_it_adds_up_a_group_of_schools_per_school():
    trust = OrganisationFactory(kind="group", name="Vale Trust")
    a = OrganisationFactory(parent=trust, name="Ash")
    b = OrganisationFactory(parent=trust, name="Birch")
    groups = [GroupFactory(organisation=a, name="7A"), GroupFactory(organisation=b, name="7B")]
    pal = RoleFactory(organisation=a, role="pal", group=groups[0]).user
    RoleFactory(organisation=b, role="pal", group=groups[1], user=pal)
    pals = stats.caseload_group_pals([trust.pk, a.pk, b.pk], TODAY)
    rows = stats.group_rows(groups, pals, TODAY)
    assert [r["label"] for r in stats.summarise(rows, "school")] == ["Ash", "Birch"]
    assert [r["label"] for r in stats.summarise(rows, "group")] == ["7A (Ash)", "7B (Birch)"]
    assert stats.total(rows, trust.name)["groups"] == 2


def test_the_page_shows_a_chart_and_the_table_and_exports(world):
    client = client_for(world.pal)
    page = client.get(reverse("caseloads:statistics"))
    assert page.status_code == 200
    assert [r["label"] for r in page.context["table"]] == ["9A", "10A"]
    html = page.content.decode()
    assert 'id="statistics-chart"' in html and 'id="statistics-table"' in html and "chart-4.6.1" in html
    csv = client.get(reverse("caseloads:statistics"), {"by": "pal", "format": "csv"}).content.decode()
    assert "Paul Pal,2,3,2,1,1,67,0,1,3,1,33,3,1,33" in csv
    assert AuditEvent.objects.filter(action="export", note__startswith="caseload statistics per pal").exists()
    xlsx = client.get(reverse("caseloads:statistics"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_each_role_sees_its_own_scope(world):
    senior = client_for(world.senior).get(reverse("caseloads:statistics"))
    assert [r["label"] for r in senior.context["table"]] == ["9A", "10A"]  # one PAL: per group
    hoy = client_for(world.head_of_year10).get(reverse("caseloads:statistics"), {"by": "group"})
    assert [r["label"] for r in hoy.context["table"]] == ["10A"]
    for user in (world.tutor, world.dsl):
        assert client_for(user).get(reverse("caseloads:statistics")).status_code == 403
    outsider = client_for(world.outsider).get(reverse("caseloads:statistics"))
    assert outsider.status_code == 200 and outsider.context["table"] == []


def test_it_counts_whole_passports_completed_per_group_by_hand(world):
    """One passport of two items. 9A: Alice both, Ben one -> 1 of 2 complete; 10A: Dan none -> 0 of 1.
    The PAL: 1 of 3 (33%)."""
    from caseloads.services import passports as passport_services

    passport = passport_services.passport_save(actor=world.senior, organisation=world.school, name="Seal")
    items = [
        passport_services.passport_item_add(actor=world.senior, passport=passport, title=t)
        for t in ("Careers interview", "CV written")
    ]
    for pupil, done in ((world.alice, items), (world.ben, items[:1])):
        for item in done:
            passport_services.passport_item_complete(
                actor=world.pal, item=item, pupil=pupil, completed_on=TODAY
            )
    by_group = {r["label"]: r for r in stats.summarise(_rows(world), "group")}
    assert (by_group["9A"]["passports_done"], by_group["9A"]["passports_total"]) == (1, 2)
    assert (by_group["10A"]["passports_done"], by_group["10A"]["passports_total"]) == (0, 1)
    (pal,) = stats.summarise(_rows(world), "pal")
    assert (pal["passports_done"], pal["passports_total"], pal["passports_pct"]) == (1, 3, 33)


def _school(trust, n, leader_pal):
    """A member school with two caseload groups of two students, a session each, and LPRs signed off in its first
    (closed) window and the current one."""
    school = OrganisationFactory(parent=trust, name=f"School {n}")
    year = services.academic_year_for(TODAY)
    first, second = services.windows_for(school, year)[:2]
    for name in ("A", "B"):
        group = GroupFactory(organisation=school, name=f"{n}{name}")
        RoleFactory(organisation=school, role="pal", group=group, user=leader_pal)
        GroupSession.objects.create(
            organisation=school,
            academic_year=year,
            group=group,
            lead=leader_pal,
            date=datetime.date(2026, 10, 1),
            starts_at=datetime.time(9),
            ends_at=datetime.time(10),
            status="delivered",
        )
        for _ in range(2):
            pupil = GroupMembershipFactory(group=group, starts_on=datetime.date(2026, 9, 1)).pupil
            for window in (first, second):
                Review.objects.create(
                    organisation=school,
                    pupil=pupil,
                    window=window,
                    reviewer=leader_pal,
                    held_on=window.opens_on,
                    period_start=window.opens_on,
                    signed_off_at=datetime.datetime(2026, 10, 1, 12, tzinfo=datetime.UTC),
                )
    return school


def test_the_trust_table_reads_every_school_in_the_same_number_of_queries(monkeypatch):
    """The trust's LPR-completion table (and the same per PAL) costs as many queries at 4 schools as at 2."""
    fixed_clock(monkeypatch, datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC))
    trust = OrganisationFactory(kind="group", name="Vale Trust")
    leader = RoleFactory(organisation=trust, role="senior_leader").user
    pal = UserFactory(full_name="Paul Pal")  # the PAL of every school's groups
    client = client_for(leader)
    url = reverse("caseloads:statistics")

    def measured(by):
        client.get(url, {"by": by})  # first: the schools' default review windows are recorded
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, {"by": by})
        assert page.status_code == 200
        return len(queries), page.context["total"]

    for n in (1, 2):
        _school(trust, n, pal)
    at_two = {by: measured(by) for by in ("school", "pal")}
    for n in (3, 4):
        _school(trust, n, pal)
    at_four = {by: measured(by) for by in ("school", "pal")}
    for by in ("school", "pal"):
        assert at_four[by][0] == at_two[by][0], by
    total = at_four["school"][1]
    assert (total["students"], total["lpr_done"], total["lpr_due"], total["lpr_on_time"]) == (16, 16, 16, 16)
    assert (total["groups"], total["delivered"]) == (8, 8)


def test_a_school_with_no_caseloads_is_told_how_to_start_not_shown_empty_figures(world):
    page = client_for(world.outsider).get(reverse("caseloads:statistics"))
    html = page.content.decode()
    assert (
        page.status_code == 200 and "No group is on a Pastoral &amp; Attendance Lead's caseload yet" in html
    )
    assert 'id="statistics-chart"' not in html and "Export CSV" not in html
