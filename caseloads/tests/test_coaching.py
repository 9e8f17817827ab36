"""Coaching sessions and the listening service: recording, the eLLP and the PAL's list; listening notes seen only by
the student's PAL and the DSL team (reads audited); a note becoming a referral through the safeguarding app, or a
concern passed to the DSL; and who may do what (PAL, other PAL, head of year, senior leader, outsider)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from access.roles import Role
from audit.models import AuditEvent
from caseloads.models import CoachingSession, ListeningNote
from caseloads.services import coaching as services
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import _staff, build_school_world, client_for
from core.testing.world import shared_world
from safeguarding.models import Agency, Concern, Referral

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


def _build_world():
    world = build_school_world()
    world.other_pal = _staff(world.school, "pia@oakfield.test", "Pia Pal", Role.PAL, group=world.group_9b)
    world.counselling = Agency.objects.create(
        organisation=world.school,
        name="College counselling",
        kind="counselling",
        awaits="ack",
        response_days=5,
    )
    world.social_care = Agency.objects.create(
        organisation=world.school, name="Front door", kind="social_care", awaits="decision", response_days=1
    )
    return world


world = shared_world(_build_world, at=NOW)


def _coaching(world, **extra):
    data = {
        "held_on": TODAY,
        "focus": "punctuality",
        "outcome": "Agreed an earlier bus",
        "next_step": "Check in",
    }
    return services.coaching_record(actor=world.pal, pupil=world.alice, **(data | extra))


def _note(world):
    return services.note_record(
        actor=world.pal, pupil=world.alice, heard_on=TODAY, said="I can't sleep at home."
    )


def test_a_pal_records_coaching_by_form_and_sees_it_on_the_ellp_and_the_list(world):
    client = client_for(world.pal)
    response = client.post(
        reverse("caseloads:coaching_add", args=[world.alice.pk]),
        {
            "held_on": "2026-11-18",
            "focus": "attendance",
            "outcome": "Will text if ill",
            "next_step": "Review",
        },
    )
    session = CoachingSession.objects.get()
    assert response.url == reverse("caseloads:coaching", args=[session.pk])
    assert (session.coach, session.focus, session.organisation) == (world.pal, "attendance", world.school)
    assert client.get(reverse("caseloads:ellp", args=[world.alice.pk])).context["coaching"] == [session]
    assert list(client.get(reverse("caseloads:coaching_list")).context["page"]) == [session]
    client.get(reverse("caseloads:coaching", args=[session.pk]))
    assert AuditEvent.objects.filter(action="read", note="coaching session").exists()


def test_coaching_names_the_field_in_error_and_saves_nothing(world):
    response = client_for(world.pal).post(
        reverse("caseloads:coaching_add", args=[world.alice.pk]),
        {"held_on": "2026-11-18", "focus": "study", "outcome": "x", "next_on": "2026-11-01"},
    )
    assert "next_on" in response.context["form"].errors
    response = client_for(world.pal).post(
        reverse("caseloads:coaching_add", args=[world.alice.pk]),
        {"held_on": "2026-11-18", "focus": "nonsense"},
    )
    assert {"focus", "outcome"} <= set(response.context["form"].errors)
    assert not CoachingSession.objects.exists()


def test_listening_notes_are_seen_by_the_pal_and_the_dsl_team_only_every_read_audited(world):
    note = _note(world)
    url = reverse("caseloads:note", args=[note.pk])
    assert client_for(world.pal).get(url).status_code == 200
    assert client_for(world.dsl).get(url).status_code == 200
    assert AuditEvent.objects.filter(action="read", note="listening note").count() == 2
    for user in (world.other_pal, world.head_of_year9, world.senior, world.tutor):
        assert client_for(user).get(url).status_code == 403
    # The eLLP lists the notes for the PAL; a head of year reading the eLLP does not see them.
    assert client_for(world.pal).get(reverse("caseloads:ellp", args=[world.alice.pk])).context[
        "listening_notes"
    ] == [note]
    assert (
        client_for(world.head_of_year9)
        .get(reverse("caseloads:ellp", args=[world.alice.pk]))
        .context["listening_notes"]
        == []
    )
    assert list(client_for(world.dsl).get(reverse("caseloads:notes")).context["page"]) == [note]
    assert client_for(world.senior).get(reverse("caseloads:notes")).status_code == 403


def test_only_the_students_pal_writes_a_listening_note(world):
    with pytest.raises(PermissionDenied):
        services.note_record(actor=world.other_pal, pupil=world.alice, heard_on=TODAY, said="x")
    for user in (world.other_pal, world.head_of_year9, world.senior):
        assert client_for(user).get(reverse("caseloads:note_add", args=[world.alice.pk])).status_code == 403
    response = client_for(world.pal).post(
        reverse("caseloads:note_add", args=[world.alice.pk]), {"heard_on": "2026-11-19", "said": "x"}
    )
    assert "heard_on" in response.context["form"].errors  # not in the future


def test_a_pal_refers_a_note_to_counselling_through_the_safeguarding_service(world):
    note = _note(world)
    client = client_for(world.pal)
    page = client.get(reverse("caseloads:note_refer", args=[note.pk]))
    # A PAL signposts only: counselling is offered, social care is not.
    assert list(page.context["form"].fields["agency"].queryset) == [world.counselling]
    response = client.post(
        reverse("caseloads:note_refer", args=[note.pk]),
        {
            "agency": world.counselling.pk,
            "reason": "Trouble sleeping; wants to talk to someone.",
            "consent": "given",
            "made_on": "2026-11-18",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    note.refresh_from_db()
    assert note.referral == referral
    assert (referral.source, referral.source_ref, referral.made_by) == (
        "listening_note",
        str(note.pk),
        world.pal,
    )
    with pytest.raises(ValidationError):
        services.note_pass_to_dsl(actor=world.pal, note=note, category="mental_health", location="Office")
    assert client.get(reverse("caseloads:note_refer", args=[note.pk])).status_code == 403


def test_a_pal_cannot_refer_to_social_care_but_the_dsl_can(world):
    note = _note(world)
    with pytest.raises(PermissionDenied):
        services.note_refer(
            actor=world.pal, note=note, agency=world.social_care, reason="x", consent="given", made_on=TODAY
        )
    assert not ListeningNote.objects.filter(referral__isnull=False).exists()
    referral = services.note_refer(
        actor=world.dsl, note=note, agency=world.social_care, reason="x", consent="not_needed", made_on=TODAY
    )
    assert ListeningNote.objects.get().referral == referral


def test_a_pal_passes_a_note_to_the_dsl_as_a_concern(world):
    note = _note(world)
    response = client_for(world.pal).post(
        reverse("caseloads:note_pass", args=[note.pk]),
        {"category": "mental_health", "location": "PAL office"},
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert (concern.pupil, concern.logged_by, concern.child_words) == (
        world.alice,
        world.pal,
        "I can't sleep at home.",
    )
    note.refresh_from_db()
    assert note.concern == concern and note.status == "Passed to the DSL"


def test_a_pass_with_a_missing_field_names_it(world):
    note = _note(world)
    response = client_for(world.pal).post(
        reverse("caseloads:note_pass", args=[note.pk]), {"category": "other"}
    )
    assert "location" in response.context["form"].errors
    assert not Concern.objects.exists()


def test_coaching_follows_the_ellp_rules(world):
    session = _coaching(world)
    url = reverse("caseloads:coaching", args=[session.pk])
    for user in (world.pal, world.head_of_year9, world.senior):
        assert client_for(user).get(url).status_code == 200
    for user in (world.other_pal, world.head_of_year10, world.tutor, world.dsl):
        assert client_for(user).get(url).status_code == 403
        assert (
            client_for(user).get(reverse("caseloads:coaching_add", args=[world.alice.pk])).status_code == 403
        )
    assert client_for(world.senior).get(reverse("caseloads:coaching_list")).status_code == 403


@outsider_test(
    "caseloads:coaching",
    "caseloads:coaching_add",
    "caseloads:note",
    "caseloads:note_add",
    "caseloads:note_refer",
    "caseloads:note_pass",
)
def test_it_hides_coaching_and_notes_from_another_school(world):
    session, note = _coaching(world), _note(world)
    client = client_for(world.outsider)
    for name, pk in [
        ("caseloads:coaching", session.pk),
        ("caseloads:coaching_add", world.alice.pk),
        ("caseloads:note", note.pk),
        ("caseloads:note_add", world.alice.pk),
        ("caseloads:note_refer", note.pk),
        ("caseloads:note_pass", note.pk),
    ]:
        assert_outsider_404(client, reverse(name, args=[pk]))
