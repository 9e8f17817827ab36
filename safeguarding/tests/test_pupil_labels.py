"""Two children of the same name: the concern form, the concern's page and the safety-net agenda tell them apart by
year, tutor group and (where a child is chosen, or a label must be unique) date of birth."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing.calendar import record_terms
from core.testing.factories import GroupMembershipFactory, PupilFactory
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from safeguarding import services
from safeguarding.forms import ConcernForm
from safeguarding.selectors.pupils import concern_choices
from safeguarding.services import meetings as meeting_services

from .helpers import concern_data, stepped_up

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 10, 14, 9, tzinfo=datetime.UTC)  # Wednesday 14 Oct 2026
JACOB_9A = "Jacob Collins — Year 9, 9A, born 3 Mar 2012"
JACOB_9B = "Jacob Collins — Year 9, 9B, born 14 Nov 2011"


def _build_world():
    """The school world, with two Jacob Collinses in Year 9: one in 9A, one in 9B."""
    world = build_school_world()
    record_terms(world.school)
    world.jacob_a, world.jacob_b = (
        PupilFactory(
            organisation=world.school,
            legal_first_name="Jacob",
            legal_last_name="Collins",
            year_group=9,
            date_of_birth=born,
        )
        for born in (datetime.date(2012, 3, 3), datetime.date(2011, 11, 14))
    )
    GroupMembershipFactory(group=world.group_9a, pupil=world.jacob_a)
    GroupMembershipFactory(group=world.group_9b, pupil=world.jacob_b)
    return world


world = shared_world(_build_world, at=TODAY)


def _options(page: str) -> list[str]:
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", page)


def test_it_labels_namesakes_on_the_concern_form_by_year_tutor_group_and_birth(world):
    """The head of year sees both Jacobs, each with year, tutor group and date of birth; choosing one logs his."""
    client = client_for(world.head_of_year9)
    page = client.get(reverse("safeguarding:concern_log")).content.decode()
    assert JACOB_9A in _options(page) and JACOB_9B in _options(page)
    assert "Alice Archer — Year 9, 9A, born 1 May 2012" in _options(page)
    data = concern_data(pupil=world.jacob_b.pk, happened_at="2026-10-14T09:00")
    assert client.post(reverse("safeguarding:concern_log"), data).status_code == 302
    assert (
        world.jacob_b.safeguarding_concerns.count() == 1 and not world.jacob_a.safeguarding_concerns.exists()
    )


def test_it_labels_the_choices_in_the_same_queries_however_many_pupils(world):
    """The pupil choices with their groups take the same number of queries for three pupils as for ten."""

    def queries_to_render() -> int:
        form = ConcernForm(pupils=concern_choices(world.dsl, world.school))
        with CaptureQueriesContext(connection) as captured:
            str(form["pupil"])
        return len(captured)

    before = queries_to_render()
    for n in range(7):
        GroupMembershipFactory(group=world.group_9b, pupil__organisation=world.school)
    assert queries_to_render() == before <= 2


def test_it_names_the_child_by_year_and_tutor_group_on_the_concern_page(world):
    """The DSL's page for a concern about Jacob in 9B says so, and the link to the other Jacob's says 9A."""
    mine = services.concern_log(actor=world.dsl, pupil=world.jacob_b, **concern_data())
    other = services.concern_log(actor=world.dsl, pupil=world.jacob_a, **concern_data())
    services.concern_link(actor=world.dsl, concern=mine, linked=other, reason="incident")
    page = stepped_up(world.dsl).get(reverse("safeguarding:concern_detail", args=[mine.pk])).content.decode()
    assert f"<h1>Concern #{mine.pk}: Jacob Collins — Year 9, 9B</h1>" in page
    assert f"#{other.pk} Jacob Collins — Year 9, 9A</a>" in page


def test_it_gives_namesakes_distinct_headings_on_the_safety_net_agenda(world):
    """Both Jacobs on a CP plan are on Year 9's agenda, each section named by a heading of its own."""
    for jacob in (world.jacob_a, world.jacob_b):
        services.status_set(
            actor=world.dsl, pupil=jacob, status="cp_plan", starts_on=datetime.date(2026, 9, 14)
        )
    meeting = meeting_services.meeting_schedule(
        actor=world.dsl, organisation=world.school, area="Year 9", on=datetime.date(2026, 10, 14)
    )
    page = stepped_up(world.dsl).get(reverse("safeguarding:meeting", args=[meeting.pk])).content.decode()
    labels = re.findall(r'<section class="sg-agenda-row" aria-labelledby="([^"]+)">', page)
    # Each heading is the student's name linking to their chronology.
    headings = [
        re.search(rf'<h3 id="{label}"><a href="[^"]*">([^<]*)</a></h3>', page).group(1) for label in labels
    ]
    assert JACOB_9A in headings and JACOB_9B in headings
    assert len(set(headings)) == len(headings)  # axe "landmark-unique": each region's name is its own
