"""The demo builders: a term's behaviour log and three PSPs at different stages for the main school."""

from __future__ import annotations

import datetime

import pytest

from behaviour.models import Incident, Suspension
from core.testing.world import shared_world
from demo.world import build_world
from support_plans.models import SupportPlan
from support_plans.selectors import meetings_due

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)

# Both tests read the same demo world: built once for the module.
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
