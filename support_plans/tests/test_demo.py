"""The demo builders: a term's behaviour log and three PSPs at different stages for the main school."""

from __future__ import annotations

import datetime

import pytest

from behaviour.models import Incident, Suspension
from core.testing.world import shared_world
from demo.world import build_world
from organisations import calendar
from support_plans.models import HomeContact, SupportPlan
from support_plans.selectors import meetings_due, review_schedule

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)

# The tests read the same demo world: built once for the module.
world = shared_world(lambda: build_world(today=TODAY, pupils_per_school=60))


def test_it_builds_a_behaviour_log_and_three_plans_at_different_stages(world):
    school = world.main_school
    incidents = Incident.objects.filter(organisation=school)
    assert 200 <= incidents.count() <= 400
    assert set(incidents.values_list("kind", flat=True)) == {"positive", "negative", "observation"}
    assert 4 <= Suspension.objects.filter(organisation=school).count() <= 8
    plans = SupportPlan.objects.filter(organisation=school)
    assert sorted(plans.values_list("status", flat=True)) == ["active", "assess", "closed"]
    active = plans.get(status="active")
    assert active.targets.first().revisions.count() == 2
    assert active.alerts.exists()  # the report card shows the plan slipping since the review
    hoy = world.users["head_of_year"]
    assert [r["plan"] for r in meetings_due(hoy, TODAY)["this_week"]] == [active]


def test_it_shows_the_demo_plans_and_log_to_the_demo_head_of_year(world):
    from django.urls import reverse

    from core.testing.personas import client_for

    client = client_for(world.users["head_of_year"])
    for plan in SupportPlan.objects.filter(organisation=world.main_school):
        assert client.get(reverse("support_plans:plan_detail", args=[plan.pk])).status_code == 200
        assert client.get(reverse("support_plans:plan_pdf", args=[plan.pk])).content.startswith(b"%PDF")
    home = client.get(reverse("home")).content.decode()
    assert "Pastoral Support Programmes" in home and "8-week review" in home
    dashboard = client.get(reverse("support_plans:dashboard") + "?status=closed").content.decode()
    assert 'id="psp-outcomes-data"' in dashboard
    assert client.get(reverse("behaviour:incident_list")).status_code == 200


def test_it_opens_each_demo_plan_on_or_before_its_initial_meeting(world):
    """No "opened 19 October" on a plan whose initial meeting was on 14 October."""
    started = SupportPlan.objects.filter(organisation=world.main_school, starts_on__isnull=False)
    assert started.count() == 2
    for plan in started:
        assert plan.opened_on <= plan.starts_on, plan


def test_it_runs_each_demo_plan_past_its_final_meeting_due_date(world):
    """A plan's weeks ("runs 30 Sep to …") cover its final meeting, and every meeting was held on a school day."""
    for plan in SupportPlan.objects.filter(organisation=world.main_school, starts_on__isnull=False):
        schedule = review_schedule(plan)
        assert schedule[-1]["final"] and schedule[-1]["due_on"] <= plan.ends_on, plan
        assert [row["week"] for row in schedule] == [*plan.review_points, plan.length_weeks]
        for meeting in plan.meetings.all():
            assert calendar.is_school_day(plan.organisation_id, meeting.held_on), meeting


def test_it_runs_a_demo_plan_alongside_an_sen_plan_only_for_a_pupil_with_sen(world):
    """ "Runs alongside an SEN support plan" only where the pupil's record shows SEN."""
    plans = SupportPlan.objects.filter(organisation=world.main_school).select_related("pupil")
    assert plans.filter(relation=SupportPlan.Relation.ALONGSIDE_SEN).exists()
    for plan in plans.filter(relation=SupportPlan.Relation.ALONGSIDE_SEN):
        assert plan.pupil.sen_status in ("K", "E"), plan


def test_it_gives_the_open_demo_plans_reasons_the_behaviour_log_bears_out(world):
    """ "Persistent disruption" is opened on a pupil with a run of negative incidents before the plan."""
    for plan in SupportPlan.objects.filter(organisation=world.main_school).exclude(status="closed"):
        before = Incident.objects.filter(
            links__pupil=plan.pupil, kind="negative", occurred_at__date__lt=plan.opened_on
        )
        assert "Persistent disruption" in plan.reason
        assert before.count() >= 4, plan
        assert before.filter(category__code="disruption").exists(), plan


def test_it_writes_home_contact_notes_about_the_parent_they_were_with(world):
    """No "with Mr James Hart (Father)" over a note that says "told mum"."""
    contacts = HomeContact.objects.filter(plan__organisation=world.main_school)
    assert contacts.count() == 3
    for contact in contacts:
        notes = contact.summary.lower()
        if "(Mother)" not in contact.with_whom:
            assert "mum" not in notes, contact.summary
        if "(Father)" not in contact.with_whom:
            assert "dad" not in notes, contact.summary
        assert calendar.is_school_day(world.main_school, contact.occurred_on)
