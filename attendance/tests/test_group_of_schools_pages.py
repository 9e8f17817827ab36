"""A leader of a group of schools (Vale College Group, whose members are its sites, Gloucester and Stroud) working at
the group: the office lists (registers not taken, the N queue, first-day calls) are kept per site, so at the group
the pages say to switch to a site and name the sites, rather than showing an empty list (to the office: the group's
DSL is refused them); the lesson registers' group choice, and the lesson registers taken today, name each group's
site where two sites have a group of the same name.

On a chosen day, Wednesday 14 October 2026 at 10:00, never the day the tests run."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from attendance import selectors
from attendance.models import Register
from attendance.tests.helpers import mark
from core.testing.factories import (
    GroupFactory,
    GroupMembershipFactory,
    OrganisationFactory,
    PupilFactory,
    RoleFactory,
    SiteFactory,
)
from core.testing.personas import client_for
from core.testing.world import shared_world
from organisations.models import Organisation
from people.models import Group

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 14)
AT = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(10)))


@dataclass
class CollegeGroup:
    group: Any
    gloucester: Any
    stroud: Any
    leader: Any
    officer: Any
    dsl: Any  # of the group too, without an office role


def _build() -> CollegeGroup:
    group = OrganisationFactory(kind=Organisation.Kind.GROUP, name="Vale College Group", slug="vale")
    sites = [
        OrganisationFactory(kind=Organisation.Kind.COLLEGE, parent=group, name=name, slug=slug)
        for name, slug in [("Vale College Gloucester", "gloucester"), ("Vale College Stroud", "stroud")]
    ]
    for site in sites:  # each site has a "Business L3 Y2 A", a student on it absent with no reason (N)
        tutor_group = GroupFactory(organisation=site, name="Business L3 Y2 A", year_group=13)
        student = PupilFactory(organisation=site, year_group=13)
        GroupMembershipFactory(group=tutor_group, pupil=student)
        mark(student, DAY, "AM", "N")
    return CollegeGroup(
        group=group,
        gloucester=sites[0],
        stroud=sites[1],
        leader=RoleFactory(organisation=group, role=Role.SENIOR_LEADER).user,
        officer=RoleFactory(organisation=group, role=Role.ATTENDANCE_OFFICER).user,
        dsl=RoleFactory(organisation=group, role=Role.DSL).user,
    )


world = shared_world(_build, at=AT)

OFFICE_PAGES = [
    ("attendance:not_taken", "Every register for this session has been taken"),
    ("attendance:n_queue", "N marks are open"),
    ("attendance:first_day_calls", "No unexplained absences today"),
]


@pytest.mark.parametrize(("name", "misleading"), OFFICE_PAGES)
def test_it_asks_a_group_leader_to_switch_to_a_site_for_the_office_lists(world, name, misleading):
    response = client_for(world.leader).get(reverse(name))
    body = response.content.decode()
    assert response.status_code == 200
    assert "kept per school or site" in body and "under “Organisation” at the top of the page" in body
    assert "<li>Vale College Gloucester</li>" in body and "<li>Vale College Stroud</li>" in body
    assert misleading not in body


@pytest.mark.parametrize("name", [name for name, _ in OFFICE_PAGES])
def test_it_refuses_the_office_lists_at_the_group_to_staff_without_an_office_role_with_403(world, name):
    """The group's DSL is of the same organisation but not the office: refused, not told which sites to switch to."""
    response = client_for(world.dsl).get(reverse(name))
    assert response.status_code == 403
    assert "kept per school or site" not in response.content.decode()


def test_it_shows_the_officers_home_panel_at_the_group_to_no_one_without_the_role(world):
    """The officer's home panel (and its "switch to a site") is the attendance officer's: the group's DSL and its
    senior leader get none."""
    for user in (world.dsl, world.leader):
        home = client_for(user).get(reverse("home"))
        assert home.status_code == 200
        assert "kept per school or site" not in home.content.decode()


def test_it_shows_the_lists_once_the_leader_switches_to_a_site(world):
    client = client_for(world.leader)
    client.post(reverse("organisations:switch"), {"organisation": world.stroud.pk})
    not_taken = client.get(reverse("attendance:not_taken"), {"date": f"{DAY:%Y-%m-%d}", "session": "AM"})
    body = not_taken.content.decode()
    assert "kept per school or site" not in body and ">Business L3 Y2 A<" in body
    calls = client.get(reverse("attendance:first_day_calls"), {"date": f"{DAY:%Y-%m-%d}"}).content.decode()
    assert "1 student to call about" in calls


def test_it_tells_an_officer_at_the_group_on_the_home_panel_to_switch_to_a_site(world):
    home = client_for(world.officer).get(reverse("home")).content.decode()
    assert "kept per school or site" in home and "<li>Vale College Stroud</li>" in home
    assert "registers not taken or incomplete" not in home


def test_it_names_each_groups_site_in_the_lesson_register_choice_of_a_group_leader(world):
    form = client_for(world.leader).get(reverse("attendance:lessons")).context["form"]
    labels = [label for _, label in form.fields["group"].choices]
    assert labels == ["Business L3 Y2 A (Vale College Gloucester)", "Business L3 Y2 A (Vale College Stroud)"]


def test_it_names_the_site_of_groups_on_two_sites_of_one_college_and_nothing_on_one(world):
    gloucester = world.gloucester
    groups = selectors.lesson_register_groups(world.leader, gloucester).select_related("organisation", "site")
    plain = selectors.group_choice_label(groups)
    assert [plain(g) for g in groups] == ["Business L3 Y2 A"]  # one site: the name alone

    first = Group.objects.get(organisation=gloucester)
    first.site = SiteFactory(organisation=gloucester, name="Oxstalls campus")
    first.save()
    GroupFactory(
        organisation=gloucester,
        name="Business L3 Y2 A",
        site=SiteFactory(organisation=gloucester, name="Brunswick campus"),
    )
    groups = selectors.lesson_register_groups(world.leader, gloucester).select_related("organisation", "site")
    label = selectors.group_choice_label(groups)
    assert sorted(label(g) for g in groups) == [
        "Business L3 Y2 A (Brunswick campus)",
        "Business L3 Y2 A (Oxstalls campus)",
    ]


def _lesson_taken(group: Any, by: Any, lesson: str = "P3 Maths") -> Register:
    return Register.objects.create(
        organisation_id=group.organisation_id,
        group=group,
        date=DAY,
        session="AM",
        lesson=lesson,
        taken_by=by,
        taken_at=AT,
    )


def test_it_names_the_site_of_each_lesson_register_taken_today_when_they_span_sites(world):
    """Two sites' "Business L3 Y2 A P3 Maths" registers: the leader's "Taken today" table says which site each is."""
    for group in Group.objects.filter(organisation__parent=world.group):
        _lesson_taken(group, world.leader)
    body = client_for(world.leader).get(reverse("attendance:lessons")).content.decode()
    taken = body[body.index('<table id="lessons-taken">') :]
    assert '<th scope="col">School or site</th>' in taken
    assert "<td>Vale College Gloucester</td>" in taken and "<td>Vale College Stroud</td>" in taken
    assert "Review Business L3 Y2 A P3 Maths (Vale College Stroud)" in taken


def test_it_shows_no_site_column_when_the_lesson_registers_are_all_in_one_place(world):
    """Working at one site, its registers are all its own: no column to tell them apart."""
    _lesson_taken(Group.objects.get(organisation=world.stroud), world.leader)
    client = client_for(world.leader)
    client.post(reverse("organisations:switch"), {"organisation": world.stroud.pk})
    body = client.get(reverse("attendance:lessons")).content.decode()
    assert "1 lesson register taken" in body and "School or site" not in body


def test_it_names_the_campus_of_lesson_registers_of_one_college_on_two_campuses(world):
    """One college's two "Business L3 Y2 A" on two campuses: each register is named by its campus."""
    gloucester = world.gloucester
    first = Group.objects.get(organisation=gloucester)
    first.site = SiteFactory(organisation=gloucester, name="Oxstalls campus")
    first.save()
    second = GroupFactory(
        organisation=gloucester,
        name="Business L3 Y2 A",
        site=SiteFactory(organisation=gloucester, name="Brunswick campus"),
    )
    for group in (first, second):
        _lesson_taken(group, world.leader)
    rows = selectors.lesson_registers_taken(Group.objects.filter(organisation=gloucester), DAY)
    assert sorted(row["place"] for row in rows) == ["Brunswick campus", "Oxstalls campus"]


def test_it_names_the_college_in_the_lesson_registers_heading_for_a_group_leader(world):
    """Two colleges' "Business L3 Y2 A": the leader working at the group sees which college a register is for; at the
    college itself the heading needs no place."""
    stroud = Group.objects.get(organisation=world.stroud)
    url = (
        reverse("attendance:lesson_register", args=[stroud.pk]) + f"?date={DAY:%Y-%m-%d}&session=AM&lesson=P5"
    )
    client = client_for(world.leader)
    assert (
        "<h1>Business L3 Y2 A (Vale College Stroud) — P5 lesson register," in client.get(url).content.decode()
    )
    client.post(reverse("organisations:switch"), {"organisation": world.stroud.pk})
    assert "<h1>Business L3 Y2 A — P5 lesson register," in client.get(url).content.decode()
