"""Logging a concern from where a pupil appears: the register and the behaviour log open the form prefilled."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from behaviour import services as behaviour_services
from behaviour.models import BehaviourCategory
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 9, 9, 9, 30, tzinfo=datetime.UTC)  # Wednesday, 10:30 in London


world = shared_world(at=NOW)


def test_it_links_each_pupil_on_the_register_to_the_concern_form(world):
    url = reverse("attendance:register", args=[world.group_9a.pk]) + "?date=2026-09-09&session=AM"
    page = client_for(world.tutor).get(url).content.decode()
    log = reverse("safeguarding:concern_log")
    assert f'{log}?pupil={world.alice.pk}&amp;where=9A%20register"' in page


def test_it_links_each_pupil_of_an_incident_to_the_concern_form(world):
    incident = behaviour_services.incident_create(
        actor=world.tutor,
        organisation=world.school,
        pupils=[world.alice],
        kind="negative",
        category=BehaviourCategory.objects.get(organisation=world.school, code="defiance"),
        severity=3,
        occurred_at=datetime.datetime(2026, 9, 8, 13, 15, tzinfo=datetime.UTC),
        place="classroom",
        lesson="P5 Science",
        staff=world.tutor,
        description="Upset; said something worrying.",
        actions="",
        parents_contacted=False,
        parents_contacted_how="",
    )
    page = (
        client_for(world.tutor).get(reverse("behaviour:incident_detail", args=[incident.pk])).content.decode()
    )
    expected = f"?pupil={world.alice.pk}&amp;where=Classroom&amp;when=2026-09-08T14:15"
    assert expected in page


def test_it_prefills_the_form_from_the_link(world):
    """The pupil, the place and the time come from the link; a bad time falls back to now."""
    client = client_for(world.tutor)
    log = reverse("safeguarding:concern_log")
    form = client.get(f"{log}?pupil={world.alice.pk}&where=Classroom&when=2026-09-08T14:15").context["form"]
    assert (str(form.initial["pupil"]), form.initial["location"], form.initial["happened_at"]) == (
        str(world.alice.pk),
        "Classroom",
        "2026-09-08T14:15",
    )
    form = client.get(f"{log}?pupil={world.alice.pk}&when=yesterday").context["form"]
    assert form.initial["happened_at"] == "2026-09-09T10:30"
    page = client.get(f"{log}?pupil={world.rory.pk}").content.decode()
    assert f'value="{world.rory.pk}" selected' not in page
