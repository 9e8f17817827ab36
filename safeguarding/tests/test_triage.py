"""The DSL team's queue, a concern's page, decisions with their reasons, actions, and who may do each."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from core.testing.factories import RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from safeguarding import selectors, services
from safeguarding.models import Action, Decision

from .helpers import decide, log, stepped_up

pytestmark = pytest.mark.django_db


world = shared_world()


def test_it_lists_new_concerns_with_their_age_oldest_first(world):
    """The queue shows undecided concerns oldest first with hours waiting; a decided one leaves it."""
    now = timezone.now()
    old = services.concern_log(
        actor=world.tutor, pupil=world.alice, **_data(), now=now - datetime.timedelta(days=2)
    )
    new = services.concern_log(
        actor=world.tutor, pupil=world.ben, **_data(), now=now - datetime.timedelta(hours=3)
    )
    decided = log(world, pupil=world.cleo, actor=world.head_of_year9)
    decide(world, decided, reason="Low level; watch.")
    assert list(selectors.queue(world.dsl)) == [old, new]
    page = client_for(world.dsl).get(reverse("safeguarding:queue")).content.decode()
    assert "2 days" in page and "3 h" in page


def _data():
    from .helpers import concern_data

    return concern_data()


def test_it_gives_ages_in_whole_units():
    """Age since logging: minutes, then hours, then days."""
    at = timezone.now()
    assert selectors.age_label(at - datetime.timedelta(minutes=45), at) == "45 min"
    assert selectors.age_label(at - datetime.timedelta(hours=5, minutes=59), at) == "5 h"
    assert selectors.age_label(at - datetime.timedelta(days=1, hours=2), at) == "1 day"


@pytest.mark.parametrize("persona", ["tutor", "senior", "head_of_year9", "senco", "pal", "admin"])
def test_it_refuses_the_queue_to_everyone_outside_the_dsl_team(world, persona):
    """Senior leaders and every other role get 403 on the queue."""
    assert client_for(getattr(world, persona)).get(reverse("safeguarding:queue")).status_code == 403


def test_it_requires_a_reason_for_a_decision(world):
    """A decision without its reason is refused with a clear message, and nothing is saved."""
    concern = log(world)
    response = stepped_up(world.dsl).post(
        reverse("safeguarding:decision_add", args=[concern.pk]),
        {"decision-outcome": "nfa", "decision-reason": " "},
    )
    assert response.status_code == 400 and "Give the reason for this decision" in response.content.decode()
    assert not Decision.objects.exists()


def test_it_records_a_decision_and_an_action(world):
    """The DSL records 'early help' with its reason and gives the head of year an action with a due date."""
    concern = log(world)
    client = stepped_up(world.dsl)
    client.post(
        reverse("safeguarding:decision_add", args=[concern.pk]),
        {"decision-outcome": "early_help", "decision-reason": "Young carer."},
    )
    due = timezone.localdate() + datetime.timedelta(days=7)
    client.post(
        reverse("safeguarding:action_add", args=[concern.pk]),
        {
            "action-description": "Early help assessment",
            "action-owner": world.head_of_year9.pk,
            "action-due_on": due.isoformat(),
        },
    )
    decision, action = Decision.objects.get(), Action.objects.get()
    assert (decision.outcome, decision.reason, decision.decided_by) == (
        "early_help",
        "Young carer.",
        world.dsl,
    )
    assert (action.owner, action.due_on) == (world.head_of_year9, due)


def test_it_shows_the_childs_other_concerns(world):
    """A concern's page links to the other concerns about the same child, not to other children's."""
    first, second, other = log(world), log(world, location="Canteen"), log(world, pupil=world.ben)
    page = (
        stepped_up(world.dsl).get(reverse("safeguarding:concern_detail", args=[second.pk])).content.decode()
    )
    assert reverse("safeguarding:concern_detail", args=[first.pk]) in page
    assert reverse("safeguarding:concern_detail", args=[other.pk]) not in page


@pytest.mark.parametrize("persona", ["tutor", "senior", "head_of_year9"])
def test_it_refuses_a_concern_and_its_decisions_to_other_roles(world, persona):
    """The logger, the head of year and a senior leader get 403 on the concern page, decision and action."""
    concern = log(world)
    client = stepped_up(getattr(world, persona))
    for name in ("concern_detail", "decision_add", "action_add"):
        method = client.get if name == "concern_detail" else client.post
        assert method(reverse(f"safeguarding:{name}", args=[concern.pk])).status_code == 403, name
    with pytest.raises(PermissionDenied):
        services.decision_record(actor=getattr(world, persona), concern=concern, outcome="nfa", reason="x")


@outsider_test("safeguarding:concern_detail", "safeguarding:decision_add", "safeguarding:action_add")
def test_it_hides_a_concern_from_another_school(world):
    """Olive, even as her school's DSL, gets 404 for an Oakfield concern's page, decision and action."""
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    concern = log(world)
    client = stepped_up(world.outsider)
    assert_outsider_404(client, reverse("safeguarding:concern_detail", args=[concern.pk]))
    assert_outsider_404(
        client, reverse("safeguarding:decision_add", args=[concern.pk]), "post", {"outcome": "nfa"}
    )
    assert_outsider_404(client, reverse("safeguarding:action_add", args=[concern.pk]), "post")


def test_it_limits_a_dso_to_their_area(world):
    """A deputy DSL scoped to group 9A (a DSO) sees Alice's concern, gets 403 on Dan's (10A), and a queue of 9A."""
    dso = RoleFactory(organisation=world.school, role=Role.DEPUTY_DSL, group=world.group_9a).user
    alice, dan = log(world), log(world, pupil=world.dan, actor=world.head_of_year10)
    client = stepped_up(dso)
    assert client.get(reverse("safeguarding:concern_detail", args=[alice.pk])).status_code == 200
    assert client.get(reverse("safeguarding:concern_detail", args=[dan.pk])).status_code == 403
    assert list(selectors.queue(dso)) == [alice]


def test_it_lets_a_whole_school_deputy_see_every_concern(world):
    """An unscoped deputy DSL triages concerns about pupils in any year."""
    deputy = RoleFactory(organisation=world.school, role=Role.DEPUTY_DSL).user
    dan = log(world, pupil=world.dan, actor=world.head_of_year10)
    assert stepped_up(deputy).get(reverse("safeguarding:concern_detail", args=[dan.pk])).status_code == 200


def test_it_refuses_a_decision_correction_about_another_concern(world):
    """A decision's correction must be about the same concern."""
    first, second = log(world), log(world)
    decision = decide(world, first, "nfa", "No concern.")
    with pytest.raises(ValidationError):
        services.decision_record(
            actor=world.dsl, concern=second, outcome="monitor", reason="x", corrects=decision
        )
