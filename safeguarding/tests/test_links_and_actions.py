"""Linking concerns about different children, and recording an action as done."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from core.testing.factories import RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.world import shared_world
from safeguarding import selectors, services
from safeguarding.models import ActionDone, ConcernLink, ImmutableRecord

from .helpers import act, log, stepped_up

pytestmark = pytest.mark.django_db


world = shared_world()


def _action(world):
    return act(world, log(world), "Call mum")


def test_it_links_siblings_concerns_both_ways(world):
    """Alice's and Ben's concerns linked as siblings show on each other's page."""
    alice, ben = log(world), log(world, pupil=world.ben)
    client = stepped_up(world.dsl)
    client.post(
        reverse("safeguarding:concern_link", args=[alice.pk]),
        {"link-linked": ben.pk, "link-reason": "sibling"},
    )
    assert selectors.linked_concerns(alice) == [(ben, "Siblings or the same household")]
    assert selectors.linked_concerns(ben) == [(alice, "Siblings or the same household")]
    page = client.get(reverse("safeguarding:concern_detail", args=[ben.pk])).content.decode()
    assert reverse("safeguarding:concern_detail", args=[alice.pk]) in page


def test_it_refuses_a_link_outside_the_dsos_area(world):
    """A DSO for 9A cannot link Alice's concern to Dan's (10A): a clear error, nothing linked."""
    dso = RoleFactory(organisation=world.school, role=Role.DEPUTY_DSL, group=world.group_9a).user
    alice, dan = log(world), log(world, pupil=world.dan, actor=world.head_of_year10)
    response = stepped_up(dso).post(
        reverse("safeguarding:concern_link", args=[alice.pk]),
        {"link-linked": dan.pk, "link-reason": "incident"},
    )
    assert response.status_code == 400 and "No concern with that number" in response.content.decode()
    assert not ConcernLink.objects.exists()


def test_it_refuses_linking_twice(world):
    """The same pair cannot be linked again, either way round."""
    alice, ben = log(world), log(world, pupil=world.ben)
    services.concern_link(actor=world.dsl, concern=alice, linked=ben, reason="sibling")
    with pytest.raises(ValidationError):
        services.concern_link(actor=world.dsl, concern=ben, linked=alice, reason="incident")


def test_it_records_an_action_done_once_and_on_the_chronology(world):
    """The DSL records the action done; a second record is refused; the chronology shows it; it cannot change."""
    action = _action(world)
    client = stepped_up(world.dsl)
    url = reverse("safeguarding:action_done", args=[action.pk])
    client.post(url, {"done_on": timezone.localdate().isoformat(), "note": "Mum agreed to early help"})
    client.post(url, {"done_on": timezone.localdate().isoformat(), "note": "Again"})
    done = ActionDone.objects.get()
    assert done.note == "Mum agreed to early help"
    assert any(e.title == "Action done: Call mum" for e in selectors.chronology(world.alice, {"action"}))
    with pytest.raises(ImmutableRecord):
        done.save()


def test_it_keeps_what_was_typed_when_the_done_date_is_missing(world):
    """Recording an action done without a date shows the error and keeps the note."""
    action = _action(world)
    url = reverse("safeguarding:action_done", args=[action.pk])
    response = stepped_up(world.dsl).post(url, {"done_on": "", "note": "Mum agreed"})
    page = response.content.decode()
    assert (
        response.status_code == 400
        and "Done on: This field is required" in page
        and 'value="Mum agreed"' in page
    )
    assert not ActionDone.objects.exists()


@pytest.mark.parametrize("persona", ["tutor", "senior", "head_of_year9"])
def test_it_refuses_links_and_done_to_other_roles(world, persona):
    """The logger, the head of year and a senior leader get 403 linking concerns or recording an action done."""
    action = _action(world)
    other = log(world, pupil=world.ben)
    client = stepped_up(getattr(world, persona))
    link = client.post(
        reverse("safeguarding:concern_link", args=[action.concern_id]), {"link-linked": other.pk}
    )
    assert link.status_code == 403
    assert client.post(reverse("safeguarding:action_done", args=[action.pk])).status_code == 403


@outsider_test("safeguarding:concern_link", "safeguarding:action_done")
def test_it_hides_links_and_actions_from_another_school(world):
    """Olive, as Riverside's DSL, gets 404 linking an Oakfield concern or recording its action done."""
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    action = _action(world)
    client = stepped_up(world.outsider)
    assert_outsider_404(client, reverse("safeguarding:concern_link", args=[action.concern_id]), "post")
    assert_outsider_404(client, reverse("safeguarding:action_done", args=[action.pk]), "post")
