"""KCSIE: any member of staff reports a concern about any child at their school. Tess, tutor of 9A, may log one
about Dan in 10A, whom she cannot otherwise see; she is shown no more of him than picks the right child, and
logging gives her no read of his file. Another school's children are never offered."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from core.testing.factories import GroupMembershipFactory, PupilFactory
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from safeguarding.models import Concern

from .helpers import concern_data

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 10, 14, 9, tzinfo=datetime.UTC)  # Wednesday 14 Oct 2026
DAN_BORN = datetime.date(2011, 6, 7)


def _build_world():
    """The school world; Dan (10A) born 7 Jun 2011; in 10A two Stewarts (Tommy, legally Alexander, and George)
    and Zoe de Winter; and Lena, who left 10A in July."""
    world = build_school_world()
    world.dan.date_of_birth = DAN_BORN
    world.dan.save()
    names = [("Alexander", "Tommy", "Stewart"), ("George", "", "Stewart"), ("Zoe", "", "de Winter")]
    for legal_first, preferred_first, last in names:
        pupil = PupilFactory(
            organisation=world.school,
            legal_first_name=legal_first,
            preferred_first_name=preferred_first,
            legal_last_name=last,
            year_group=10,
        )
        GroupMembershipFactory(group=world.group_10a, pupil=pupil)
    world.lena = PupilFactory(
        organisation=world.school,
        legal_first_name="Lena",
        legal_last_name="Left",
        year_group=10,
        left_on=datetime.date(2026, 7, 20),
    )
    return world


world = shared_world(_build_world, at=TODAY)


def _options(page: str) -> list[str]:
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", page)


def _post(client, pupil, **overrides):
    data = concern_data(pupil=pupil.pk, **{"happened_at": "2026-10-14T08:30", **overrides})
    return client.post(reverse("safeguarding:concern_log"), data)


def test_it_offers_a_tutor_every_child_on_roll_at_their_school(world):
    """Tess sees Dan of 10A by name, year and tutor group only; her own Alice with her date of birth too."""
    options = _options(client_for(world.tutor).get(reverse("safeguarding:concern_log")).content.decode())
    assert "Dan Dyer — Year 10, 10A" in options
    assert "Alice Archer — Year 9, 9A, born" in " ".join(options)
    assert not any("Lena" in o or "Rory" in o for o in options)


def test_it_sorts_the_choices_by_the_name_shown(world):
    """By preferred surname then forename, naturally and ignoring case: George Stewart before Tommy Stewart."""
    options = _options(client_for(world.tutor).get(reverse("safeguarding:concern_log")).content.decode())
    names = [option.split(" — ")[0] for option in options]
    assert names == [
        "Alice Archer",
        "Ben Baker",
        "Cleo Cole",
        "Zoe de Winter",
        "Dan Dyer",
        "George Stewart",
        "Tommy Stewart",
    ]


def test_it_logs_a_tutors_concern_about_a_child_outside_their_group(world):
    """Tess logs a concern about Dan; it reaches the DSL team and is hers to read."""
    client = client_for(world.tutor)
    response = _post(client, world.dan)
    concern = Concern.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "safeguarding:my_concern", args=[concern.pk]
    )
    assert concern.pupil == world.dan and concern.logged_by == world.tutor
    assert concern in client_for(world.dsl).get(reverse("safeguarding:queue")).context["concerns"]


def test_it_gives_the_logger_no_more_of_the_child_than_before(world):
    """After logging, Tess's pages show Dan's name, year and group but not his birth; his file stays closed."""
    client = client_for(world.tutor)
    concern = Concern.objects.get(pk=_post(client, world.dan).url.rstrip("/").split("/")[-1])
    mine = client.get(reverse("safeguarding:my_concern", args=[concern.pk])).content.decode()
    listed = client.get(reverse("safeguarding:my_concerns")).content.decode()
    assert "Dan Dyer — Year 10, 10A" in mine and "Dan Dyer" in listed
    for page in (mine, listed):
        assert "2011" not in page and reverse("people:pupil_detail", args=[world.dan.pk]) not in page
    assert client.get(reverse("people:pupil_detail", args=[world.dan.pk])).status_code in (403, 404)
    assert client.get(reverse("safeguarding:chronology", args=[world.dan.pk])).status_code == 403


def test_it_never_names_the_birth_date_of_a_child_the_logger_cannot_see(world):
    """A date before Dan was born is refused without saying when he was born."""
    response = _post(client_for(world.tutor), world.dan, happened_at="2010-01-04T09:00")
    page = response.content.decode()
    assert response.status_code == 200 and not Concern.objects.exists()
    assert "cannot be before the child was born." in page and "2011" not in page


def test_it_refuses_a_posted_child_of_another_school(world):
    """Rory of Riverside is never offered, and his id POSTed to the form is refused."""
    response = _post(client_for(world.tutor), world.rory)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Concern.objects.exists()


def test_it_refuses_a_posted_child_who_has_left(world):
    """Lena, who left in July and whom Tess never taught, is not a choice either."""
    response = _post(client_for(world.tutor), world.lena)
    assert response.status_code == 200 and not Concern.objects.exists()
