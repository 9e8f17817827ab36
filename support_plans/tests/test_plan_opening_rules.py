"""Opening a PSP: never dated in the future, and with a reason that says why the pupil needs it. The clock is
stopped on Monday 14 December 2026."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.testing.personas import client_for
from core.testing.world import shared_world
from support_plans import services
from support_plans.models import SupportPlan
from support_plans.tests.helpers import open_plan

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 12, 14, 10, 0, tzinfo=datetime.UTC)
TODAY = AT.date()
REASON = "Two suspensions this term for defiance; at risk of permanent exclusion."

world = shared_world(at=AT)


def _post(world, **overrides):
    data = {
        "pupil": world.ben.pk,
        "coordinator": world.head_of_year9.pk,
        "opened_on": "2026-12-14",
        "reason": REASON,
        "relation": "none",
    }
    data.update(overrides)
    return client_for(world.head_of_year9).post(reverse("support_plans:plan_create"), data)


def _open(world, **extra):
    return services.plan_open(
        actor=world.head_of_year9, pupil=world.ben, coordinator=world.head_of_year9, **extra
    )


def test_it_refuses_through_the_form_a_plan_opened_in_the_future(world):
    """The demo's 1 June 2027 is an error beside the date and no plan is opened."""
    response = _post(world, opened_on="2027-06-01")
    assert response.status_code == 200
    assert "the date cannot be in the future" in response.content.decode()
    assert "opened_on" in response.context["form"].errors
    assert not SupportPlan.objects.filter(pupil=world.ben).exists()


def test_it_opens_a_plan_today_or_on_a_day_gone_by_through_the_form(world):
    """Today (14 Dec 2026) is taken."""
    assert _post(world).status_code == 302
    assert SupportPlan.objects.get(pupil=world.ben).opened_on == TODAY


@pytest.mark.parametrize("reason", ["x", "xy", "  x  "])
def test_it_refuses_through_the_form_a_reason_that_says_nothing(world, reason):
    """A letter or two is refused with a message saying what to write."""
    response = _post(world, reason=reason)
    assert response.status_code == 200
    assert "Say why the pupil is at risk of exclusion" in response.content.decode()
    assert "reason" in response.context["form"].errors
    assert not SupportPlan.objects.filter(pupil=world.ben).exists()


def test_it_refuses_in_the_service_an_opening_in_the_future_by_the_clock_passed_in(world):
    """The day after the clock is refused; the clock's day is taken, and is the default opening date."""
    with pytest.raises(ValidationError, match="cannot be in the future"):
        _open(world, reason=REASON, opened_on=datetime.date(2027, 6, 1), today=TODAY)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        _open(world, reason=REASON, opened_on=TODAY + datetime.timedelta(days=1), today=TODAY)
    assert not SupportPlan.objects.filter(pupil=world.ben).exists()
    plan = _open(world, reason=REASON, today=datetime.date(2026, 12, 1))
    assert plan.opened_on == datetime.date(2026, 12, 1)


def test_it_refuses_in_the_service_a_reason_of_a_few_characters(world):
    """At opening and when the plan's details are edited: under three characters is refused."""
    for reason in ("x", "xy", " xy "):
        with pytest.raises(ValidationError, match="at least 3 characters"):
            _open(world, reason=reason, today=TODAY)
    assert _open(world, reason="Defiance", today=TODAY).reason == "Defiance"
    plan = open_plan(world)
    with pytest.raises(ValidationError, match="Say why the pupil is at risk of exclusion"):
        services.plan_update(actor=world.head_of_year9, plan=plan, reason="x")
    plan.refresh_from_db()
    assert plan.reason.startswith("Two suspensions")


def test_it_refuses_a_reason_of_a_few_characters_on_the_edit_page(world):
    """The details page shows the same message and keeps the reason."""
    plan = open_plan(world)
    response = client_for(world.head_of_year9).post(
        reverse("support_plans:plan_edit", args=[plan.pk]),
        {
            "coordinator": world.head_of_year9.pk,
            "reason": "x",
            "relation": "none",
            "length_weeks": 12,
            "review_weeks": "4,8",
        },
    )
    assert response.status_code == 200
    assert "Say why the pupil is at risk of exclusion" in response.content.decode()
    plan.refresh_from_db()
    assert plan.reason.startswith("Two suspensions")
