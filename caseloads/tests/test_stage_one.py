"""Stage-one disciplinary meetings: the outcome's rules on the fields they name, the incident belonging to the
student, the letter from the school's template as a PDF, the stage history, and who may do what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from behaviour.tests.test_categories_and_export import _incident
from caseloads import services
from caseloads.models import CaseloadSettings, StageOneMeeting
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

HELD = datetime.date(2026, 11, 16)


world = shared_world()


def _meeting(world, **extra):
    data = {
        "raised_from": "direct",
        "held_on": HELD,
        "concern": "Late to 9 of the last 20 sessions",
        "outcome": "targets",
        "targets": "On time every day for four weeks",
        "review_on": datetime.date(2026, 12, 14),
        "parent_invited": True,
        "parent_attended": True,
    }
    return services.stage_one_record(actor=world.pal, pupil=world.alice, **(data | extra))


def test_it_names_the_fields_an_outcome_with_targets_needs(world):
    response = client_for(world.pal).post(
        reverse("caseloads:stage_one_add", args=[world.alice.pk]),
        {"raised_from": "direct", "held_on": "2026-11-16", "concern": "Lateness", "outcome": "targets"},
    )
    errors = response.context["form"].errors
    assert "targets" in errors and "review_on" in errors
    assert not StageOneMeeting.objects.exists()


def test_it_needs_the_students_own_incident_when_raised_from_one(world):
    with pytest.raises(ValidationError) as error:
        _meeting(world, raised_from="incident")
    assert "incident" in error.value.message_dict
    cleos = _incident(world, pupils=[world.cleo])
    with pytest.raises(ValidationError) as error:
        _meeting(world, raised_from="incident", incident=cleos)
    assert "incident" in error.value.message_dict
    alices = _incident(world, pupils=[world.alice])
    assert _meeting(world, raised_from="incident", incident=alices).incident == alices


def test_it_fills_the_schools_letter_and_prints_it_as_a_pdf_audited(world):
    CaseloadSettings.objects.create(
        organisation=world.school,
        stage_one_letter="$pupil_name met $pal_name on $held_on: $outcome. Review $review_on.",
    )
    meeting = _meeting(world)
    text = services.stage_one_letter_text(meeting)
    assert (
        text
        == "Alice Archer met Paul Pal on 16 November 2026: targets set, with a review date. Review 14 December 2026."
    )
    response = client_for(world.pal).get(reverse("caseloads:stage_one_letter", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", note__startswith="stage-one letter").exists()


def test_it_shows_the_stage_history_on_the_ellp(world):
    meeting = _meeting(world, outcome="nfa", targets="", review_on=None)
    page = client_for(world.head_of_year9).get(reverse("caseloads:ellp", args=[world.alice.pk]))
    assert list(page.context["meetings"]) == [meeting]


@outsider_test("caseloads:stage_one_add", "caseloads:stage_one", "caseloads:stage_one_letter")
def test_it_hides_meetings_from_another_school(world):
    meeting = _meeting(world)
    client = client_for(world.outsider)
    assert_outsider_404(client, reverse("caseloads:stage_one_add", args=[world.alice.pk]))
    assert_outsider_404(client, reverse("caseloads:stage_one", args=[meeting.pk]))
    assert_outsider_404(client, reverse("caseloads:stage_one_letter", args=[meeting.pk]))


def test_it_refuses_meetings_to_other_roles_and_other_pals_students(world):
    meeting = _meeting(world)
    for user in (world.tutor, world.head_of_year10, world.dsl):
        client = client_for(user)
        assert client.get(reverse("caseloads:stage_one", args=[meeting.pk])).status_code == 403
        assert client.get(reverse("caseloads:stage_one_letter", args=[meeting.pk])).status_code == 403
    assert (
        client_for(world.pal).get(reverse("caseloads:stage_one_add", args=[world.cleo.pk])).status_code == 403
    )
    assert client_for(world.pal).get(reverse("caseloads:stage_one", args=[meeting.pk])).status_code == 200
