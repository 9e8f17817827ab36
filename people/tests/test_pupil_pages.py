"""The pupil search and profile pages: who may open them, and what they show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


world = shared_world()


def test_it_finds_a_pupil_by_name_or_upn(world):
    client = client_for(world.head_of_year9)
    response = client.get(reverse("people:pupil_list"), {"q": "archer"})
    assert "Alice" in response.content.decode()
    response = client.get(reverse("people:pupil_list"), {"q": "A123456789012"})
    assert "Alice" in response.content.decode() and "Ben" not in response.content.decode()


def test_it_lists_only_pupils_the_user_may_see(world):
    body = client_for(world.tutor).get(reverse("people:pupil_list")).content.decode()
    assert "Alice" in body and "Cleo" not in body and "Rory" not in body


@outsider_test("people:pupil_detail", "people:pupil_edit", "people:pupil_subject_access")
def test_it_hides_a_pupil_from_another_school(world):
    client = client_for(world.outsider)
    assert_outsider_404(client, reverse("people:pupil_detail", args=[world.alice.pk]))
    assert_outsider_404(client_for(world.other_admin), reverse("people:pupil_edit", args=[world.alice.pk]))
    assert_outsider_404(
        client_for(world.other_admin), reverse("people:pupil_subject_access", args=[world.alice.pk])
    )


def test_it_refuses_a_head_of_another_year_with_403(world):
    response = client_for(world.head_of_year10).get(reverse("people:pupil_detail", args=[world.alice.pk]))
    assert response.status_code == 403


def test_it_refuses_editing_to_a_tutor_with_403(world):
    response = client_for(world.tutor).get(reverse("people:pupil_edit", args=[world.alice.pk]))
    assert response.status_code == 403


def test_it_audits_every_read_of_a_pupil_profile(world):
    response = client_for(world.tutor).get(reverse("people:pupil_detail", args=[world.alice.pk]))
    assert response.status_code == 200
    assert "Alice" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="read", object_type="people.Pupil", object_id=str(world.alice.pk), actor=world.tutor
    ).exists()


def _edited(client, url, **changes):
    """The edit form's current values with `changes` (and no site), ready to post."""
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    return {**data, "site": "", **changes}


def test_it_audits_an_edit_with_old_and_new_values(world):
    client = client_for(world.admin)
    url = reverse("people:pupil_edit", args=[world.alice.pk])
    response = client.post(url, _edited(client, url, preferred_first_name="Ally"))
    assert response.status_code == 302, response.content.decode()
    event = AuditEvent.objects.filter(
        action="update", object_type="people.Pupil", object_id=str(world.alice.pk)
    ).get()
    assert event.changes["preferred_first_name"] == ["", "Ally"]
    assert event.actor == world.admin


def test_it_lets_the_office_put_a_pupil_under_a_retention_hold_and_shows_it(world):
    """The hold the retention job respects is set on the pupil's details, audited, and shown on the profile."""
    client = client_for(world.admin)
    url = reverse("people:pupil_edit", args=[world.alice.pk])
    assert client.post(url, _edited(client, url, retention_hold="Insurance claim")).status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.retention_hold == "Insurance claim"
    event = AuditEvent.objects.get(action="update", object_type="people.Pupil", object_id=str(world.alice.pk))
    assert event.changes["retention_hold"] == ["", "Insurance claim"]
    profile = client.get(reverse("people:pupil_detail", args=[world.alice.pk])).content.decode()
    assert "Retention hold" in profile and "Insurance claim" in profile


@outsider_test("people:group_detail")
def test_it_hides_a_group_from_another_school(world):
    assert_outsider_404(client_for(world.outsider), reverse("people:group_detail", args=[world.group_9a.pk]))


def test_it_refuses_a_tutor_another_group_with_403(world):
    assert (
        client_for(world.tutor).get(reverse("people:group_detail", args=[world.group_9b.pk])).status_code
        == 403
    )
    assert (
        client_for(world.tutor).get(reverse("people:group_detail", args=[world.group_9a.pk])).status_code
        == 200
    )


def test_it_answers_a_live_search_with_just_the_results(world):
    response = client_for(world.head_of_year9).get(
        reverse("people:pupil_list"), {"q": "cole"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Cleo" in body and "Alice" not in body and "<html" not in body


def test_it_exports_everything_held_on_a_pupil_for_a_subject_access_request(world):
    import json

    response = client_for(world.dsl).get(reverse("people:pupil_subject_access", args=[world.alice.pk]))
    document = json.loads(response.content)
    assert document["people"]["pupil"]["legal_first_name"] == "Alice"
    assert len(document["people"]["contacts"]) == 1
    assert AuditEvent.objects.filter(action="export", object_id=str(world.alice.pk)).exists()


def test_it_refuses_a_subject_access_export_to_a_tutor(world):
    assert (
        client_for(world.tutor).get(reverse("people:pupil_subject_access", args=[world.alice.pk])).status_code
        == 403
    )


def test_it_lists_the_pupils_with_special_educational_needs_from_the_home_page(world):
    from people.models import Pupil

    Pupil.objects.filter(pk=world.alice.pk).update(sen_status=Pupil.SenStatus.EHCP)
    Pupil.objects.filter(pk=world.ben.pk).update(sen_status=Pupil.SenStatus.SUPPORT)
    client = client_for(world.senco)
    assert f"{reverse('people:pupil_list')}?sen=any" in client.get(reverse("home")).content.decode()
    either = client.get(reverse("people:pupil_list"), {"sen": "any"}).content.decode()
    assert "Alice" in either and "Ben" in either and "Cleo" not in either
    ehcp = client.get(reverse("people:pupil_list"), {"sen": "E"}).content.decode()
    assert "Alice" in ehcp and "Ben" not in ehcp
