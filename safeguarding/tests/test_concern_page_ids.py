"""The concern's page holds three forms (a decision, an action, a link): every id on it is its own, so each label
names and focuses its own control."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse

from core.testing.world import shared_world
from safeguarding import services
from safeguarding.models import ConcernLink, Decision

from .helpers import act, decide, log, stepped_up

pytestmark = pytest.mark.django_db


world = shared_world()


def _page(world, concern) -> str:
    return (
        stepped_up(world.dsl).get(reverse("safeguarding:concern_detail", args=[concern.pk])).content.decode()
    )


def test_it_gives_every_control_on_the_concern_page_an_id_of_its_own(world):
    """With a decision, an action and a link already there (so every form and list shows), no id repeats."""
    concern, other = log(world), log(world, pupil=world.ben)
    decide(world, concern)
    act(world, concern, "Call")
    services.concern_link(actor=world.dsl, concern=concern, linked=other, reason="sibling")
    ids = Counter(re.findall(r'\bid="([^"]+)"', _page(world, concern)))
    assert [name for name, count in ids.items() if count > 1] == []


def test_it_points_each_reason_label_at_its_own_control(world):
    """The decision's reason label points at its textarea; "How they are connected" at the link's select."""
    page = _page(world, log(world))
    assert re.search(r'<label for="id_decision-reason">The reason for this decision', page)
    assert re.search(r'<textarea name="decision-reason"[^>]*id="id_decision-reason"', page)
    assert re.search(r'<label for="id_link-reason">How they are connected', page)
    assert re.search(r'<select name="link-reason"[^>]*id="id_link-reason"', page)


def test_it_records_a_decision_and_a_link_posted_from_the_page(world):
    """The prefixed fields the page now posts are read: a decision is recorded, and a link made."""
    concern, other = log(world), log(world, pupil=world.ben)
    client = stepped_up(world.dsl)
    decision = client.post(
        reverse("safeguarding:decision_add", args=[concern.pk]),
        {"decision-outcome": "monitor", "decision-reason": "Watch."},
    )
    link = client.post(
        reverse("safeguarding:concern_link", args=[concern.pk]),
        {"link-linked": other.pk, "link-reason": "sibling"},
    )
    assert decision.status_code == link.status_code == 302
    assert Decision.objects.get().reason == "Watch." and ConcernLink.objects.get().linked == other


def test_it_shows_a_refused_link_again_under_its_own_ids(world):
    """A link to no concern is refused with the message on the link's field, not the decision's."""
    concern = log(world)
    response = stepped_up(world.dsl).post(
        reverse("safeguarding:concern_link", args=[concern.pk]),
        {"link-linked": 99999, "link-reason": "sibling"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="id_link-linked_error"[^>]*>\s*<p>No concern with that number', page)
