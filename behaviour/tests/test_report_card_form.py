"""Starting a report card through the real form: valid input starts it, bad input is a form error, never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from behaviour.models import ReportCard
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 3, 2)


world = shared_world()


def _post(world, **changes):
    data = {
        "frequency": "daily",
        "key_staff": world.tutor.pk,
        "targets_text": "Be on time\n\nStay in the lesson\n",
        "starts_on": START.isoformat(),
        "ends_on": (START + datetime.timedelta(days=13)).isoformat(),
        "purpose": "PSP monitoring",
    }
    data.update(changes)
    return client_for(world.tutor).post(reverse("behaviour:card_create", args=[world.alice.pk]), data)


def test_it_starts_a_report_card_from_the_form(world):
    """Posting the real form starts the card with one target per line."""
    response = _post(world)
    assert response.status_code == 302, response.content.decode()
    card = ReportCard.objects.get(pupil=world.alice)
    assert card.targets == ["Be on time", "Stay in the lesson"]
    assert response["Location"] == reverse("behaviour:card_detail", args=[card.pk])


def test_it_shows_a_form_error_for_no_targets(world):
    """A card without targets is refused on the targets box, not with a server error."""
    response = _post(world, targets_text="  \n ")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["targets_text"]
    assert not ReportCard.objects.filter(pupil=world.alice).exists()


def test_it_shows_a_form_error_for_an_end_before_the_start(world):
    """An end date before the start is a form error on the end date, and the typed targets are kept."""
    response = _post(world, ends_on=(START - datetime.timedelta(days=1)).isoformat())
    assert response.status_code == 200
    assert "ends_on" in response.context["form"].errors
    assert "Stay in the lesson" in response.content.decode()
    assert not ReportCard.objects.filter(pupil=world.alice).exists()
