"""Every 403 and 404 a view answers a signed-in user is in the audit log, written in one place (audit's
middleware): who, which URL with which method, and the object where it is known."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


world = shared_world()


def _refusals():
    return AuditEvent.objects.filter(action=AuditEvent.Action.DENIED)


@override_settings(ROOT_URLCONF="audit.tests.refusal_urls")
def test_it_records_a_403_raised_by_hand_in_a_view_with_the_user_the_url_and_the_object(world):
    url = f"/pupils/{world.alice.pk}/refuse/"
    assert client_for(world.tutor).post(url).status_code == 403
    event = _refusals().get()
    assert event.actor == world.tutor
    assert event.note.startswith(f"403 POST {url}")
    assert (event.object_type, event.object_id) == ("people.Pupil", str(world.alice.pk))
    assert event.object_repr == str(world.alice)
    assert event.organisation_id == world.school.pk


@override_settings(ROOT_URLCONF="audit.tests.refusal_urls")
def test_it_records_a_403_from_get_for_user_with_the_check_that_refused(world):
    url = f"/pupils/{world.alice.pk}/edit/"
    assert client_for(world.tutor).get(url).status_code == 403
    event = _refusals().get()
    assert event.actor == world.tutor
    assert (event.object_type, event.object_id) == ("people.Pupil", str(world.alice.pk))
    assert f"403 GET {url}" in event.note
    assert "refused by can_edit_pupil" in event.note


@override_settings(ROOT_URLCONF="audit.tests.refusal_urls")
def test_it_records_a_404_from_get_for_user_for_another_schools_record(world):
    url = f"/pupils/{world.rory.pk}/edit/"
    assert client_for(world.tutor).get(url).status_code == 404
    event = _refusals().get()
    assert event.actor == world.tutor
    assert (event.object_type, event.object_id) == ("people.Pupil", str(world.rory.pk))
    assert event.object_repr == ""  # the other school's pupil is not named in this school's log
    assert event.note.startswith(f"404 GET {url}; not found or outside reach")
    assert event.organisation_id == world.school.pk  # the school the refused user works in


@override_settings(ROOT_URLCONF="audit.tests.refusal_urls")
def test_it_records_a_403_a_view_returns_rather_than_raises(world):
    assert client_for(world.tutor).get("/forbidden/").status_code == 403
    event = _refusals().get()
    assert (event.actor, event.object_type, event.note) == (world.tutor, "", "403 GET /forbidden/; refused")


@override_settings(ROOT_URLCONF="audit.tests.refusal_urls")
def test_it_keeps_a_secret_links_token_out_of_the_log(world):
    assert client_for(world.tutor).get("/links/s3cr3t-t0ken/").status_code == 403
    assert _refusals().get().note == "403 GET /links/[token]/; refused"


@override_settings(ROOT_URLCONF="audit.tests.refusal_urls")
def test_it_records_nothing_for_a_url_that_matches_no_page_or_for_no_one_signed_in(world):
    assert client_for(world.tutor).get("/no/such/page/").status_code == 404
    assert Client().get("/forbidden/").status_code in (302, 403)
    assert not _refusals().exists()


def test_it_records_a_refusal_raised_by_hand_in_a_real_view(world):
    url = reverse("support_plans:settings_edit")
    assert client_for(world.tutor).get(url).status_code == 403
    event = _refusals().get(actor=world.tutor)
    assert event.note.startswith(f"403 GET {url}")
    assert event.organisation_id == world.school.pk


def test_it_records_each_refusal_once(world):
    client_for(world.outsider).get(reverse("people:pupil_detail", args=[world.alice.pk]))
    assert _refusals().filter(object_id=str(world.alice.pk)).count() == 1
