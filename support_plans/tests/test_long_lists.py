"""The dashboard's alerts and meetings due: a few on the dashboard, every one on its own list a page at a time."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.testing.factories import PupilFactory
from core.testing.personas import client_for
from core.testing.world import shared_world
from support_plans import selectors, services
from support_plans.models import Alert, Meeting
from support_plans.tests.helpers import open_plan, smart, started_plan
from support_plans.views import PANEL_ROWS, PER_PAGE

pytestmark = pytest.mark.django_db


world = shared_world()


def _started_for(world, pupil) -> None:
    """A plan whose initial meeting was 12 weeks ago, so its 4-week review is overdue."""
    held_on = timezone.localdate() - datetime.timedelta(weeks=12)
    plan = open_plan(world, pupil=pupil, opened_on=held_on)
    services.target_add(actor=world.head_of_year9, plan=plan, **smart())
    services.meeting_record(
        actor=world.head_of_year9,
        plan=plan,
        kind=Meeting.Kind.INITIAL,
        held_on=held_on,
        summary="Targets agreed",
        attendees=list(plan.parties.all()),
    )


def test_it_shows_a_few_alerts_on_the_dashboard_and_pages_through_them_all(world):
    plan = started_plan(world)
    Alert.objects.bulk_create(
        Alert(organisation=world.school, plan=plan, reason=f"Failing, week {n}") for n in range(PER_PAGE + 1)
    )
    Alert.objects.create(
        organisation=world.school,
        plan=plan,
        reason="Resolved",
        parents_contacted_on=timezone.localdate(),
        resolved_on=timezone.localdate(),
    )
    client = client_for(world.head_of_year9)
    dashboard = client.get(reverse("support_plans:dashboard"))
    assert len(dashboard.context["alerts"]) == PANEL_ROWS
    assert f"See all {PER_PAGE + 1} alerts" in dashboard.content.decode()
    first = client.get(reverse("support_plans:alert_list"))
    second = client.get(reverse("support_plans:alert_list"), {"page": 2})
    assert len(first.context["page_obj"]) == PER_PAGE and len(second.context["page_obj"]) == 1
    listed = [a.reason for a in first.context["page_obj"]] + [a.reason for a in second.context["page_obj"]]
    assert "Resolved" not in listed and len(set(listed)) == PER_PAGE + 1
    assert (
        client_for(world.head_of_year10)
        .get(reverse("support_plans:alert_list"))
        .context["page_obj"]
        .paginator.count
        == 0
    )


def test_it_shows_a_few_meetings_due_on_the_dashboard_and_pages_through_them_all(world):
    _started_for(world, world.alice)
    selectors.meetings_due(world.head_of_year9)  # what the user may reach is read once and kept
    with CaptureQueriesContext(connection) as one_plan:
        selectors.meetings_due(world.head_of_year9)
    for n in range(PER_PAGE):
        _started_for(
            world, PupilFactory(organisation=world.school, year_group=9, legal_last_name=f"Pupil{n}")
        )
    with CaptureQueriesContext(connection) as many_plans:
        selectors.meetings_due(world.head_of_year9)
    assert len(many_plans) == len(one_plan)  # each plan's schedule comes from one prefetch
    client = client_for(world.senior)
    dashboard = client.get(reverse("support_plans:dashboard"))
    assert len(dashboard.context["due"]["overdue"]) == PANEL_ROWS
    assert f"See all {PER_PAGE + 1} overdue" in dashboard.content.decode()
    first = client.get(reverse("support_plans:due_list"))
    second = client.get(reverse("support_plans:due_list"), {"page": 2})
    assert len(first.context["page_obj"]) == PER_PAGE and len(second.context["page_obj"]) == 1
    assert all(row["overdue"] and row["week"] == 4 for row in first.context["page_obj"])


def test_it_refuses_the_lists_to_a_tutor_and_shows_another_school_none_of_ours(world):
    plan = started_plan(world)
    Alert.objects.create(organisation=world.school, plan=plan, reason="Failing")
    for name in ("support_plans:alert_list", "support_plans:due_list"):
        assert client_for(world.tutor).get(reverse(name)).status_code == 403
        response = client_for(world.outsider).get(reverse(name))
        assert response.status_code == 200 and response.context["page_obj"].paginator.count == 0
        assert "Alice" not in response.content.decode()
