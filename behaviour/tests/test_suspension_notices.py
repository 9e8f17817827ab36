"""The notices of a suspension: parents and carers and the social worker without delay (never a contact the school
must not contact), the governing board and the local authority without delay past five school days in a term, for a
permanent exclusion or a missed public examination, and otherwise in the termly return."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from behaviour import selectors, services
from behaviour.models import NoticeAddresses, Suspension, SuspensionNotice
from core.testing.calendar import FRIDAY, WEDNESDAY, day, record_terms
from core.testing.factories import PupilContactFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from people.models import PupilContact

pytestmark = pytest.mark.django_db


def _build_world():
    world = build_school_world()
    record_terms(world.school)
    NoticeAddresses.objects.create(
        organisation=world.school,
        governors_email="clerk@oakfield.test",
        local_authority_email="exclusions@la.test",
    )
    return world


world = shared_world(_build_world)


def _suspend(world, start, end, sessions, kind=Suspension.Kind.SUSPENSION):
    data = {
        "kind": kind,
        "decided_by": world.senior,
        "starts_on": start,
        "ends_on": end,
        "sessions": sessions,
        "reason": "verbal_adult",
        "details": "Swore at a teacher",
    }
    if kind == Suspension.Kind.PERMANENT:
        data.pop("ends_on")
    return services.suspension_create(actor=world.head_of_year9, pupil=world.alice, **data)


def _by_party(parties):
    return {(p.party, p.name): p for p in parties}


def test_it_tells_parents_and_the_social_worker_now_and_never_a_no_contact(world):
    PupilContactFactory(
        pupil=world.alice,
        relationship=PupilContact.Relationship.SOCIAL_WORKER,
        has_parental_responsibility=False,
        contact__first_name="Sian",
        contact__last_name="Worker",
    )
    barred = PupilContactFactory(pupil=world.alice, no_contact=True, contact__first_name="Barred")
    suspension = _suspend(world, day(2), day(2, WEDNESDAY), 6)  # 3 school days
    parties = selectors.suspension_parties(suspension)
    named = {p.name: p for p in parties}
    assert named["Mary Archer"].party == "parent" and named["Mary Archer"].now
    assert named["Sian Worker"].party == "social_worker" and named["Sian Worker"].now
    assert str(barred.contact) not in named
    board = [p for p in parties if p.party in ("governors", "local_authority")]
    assert len(board) == 2 and not any(p.now for p in board)
    assert board[0].why == "3 school days suspended in the autumn term: in the termly return"


def test_it_tells_the_board_and_the_local_authority_now_past_five_school_days_in_a_term(world):
    first = _suspend(world, day(2), day(2, WEDNESDAY), 6)
    exactly_five = _suspend(world, day(4), day(4, 1), 4)  # 6 + 4 = 10 sessions: five days, not more
    assert not any(p.now for p in selectors.suspension_parties(exactly_five) if p.party == "governors")
    past_five = _suspend(world, day(5, FRIDAY), day(5, FRIDAY), 2)  # 12 sessions: six days
    governors = [p for p in selectors.suspension_parties(past_five) if p.party == "governors"][0]
    assert governors.now and governors.email == "clerk@oakfield.test"
    assert governors.why == "6 school days suspended in the autumn term, more than five: without delay"
    # a suspension in the spring term starts a new count
    spring = _suspend(world, day(18), day(18, 1), 4)
    assert not any(p.now for p in selectors.suspension_parties(spring) if p.party == "local_authority")
    assert first.pk != spring.pk


def test_it_tells_the_board_now_of_a_permanent_exclusion_or_a_missed_examination(world):
    short = _suspend(world, day(2), day(2), 2)
    assert not [p for p in selectors.suspension_parties(short) if p.party == "governors"][0].now
    assert [p for p in selectors.suspension_parties(short, misses_exam=True) if p.party == "governors"][0].now
    permanent = _suspend(world, day(3), None, 2, kind=Suspension.Kind.PERMANENT)
    why = [p for p in selectors.suspension_parties(permanent) if p.party == "local_authority"][0]
    assert why.now and why.why == "a permanent exclusion: without delay"


def test_it_emails_each_party_due_once_with_the_letter_to_parents(world, django_capture_on_commit_callbacks):
    suspension = _suspend(world, day(2), day(2, WEDNESDAY), 6)
    mail.outbox.clear()
    client = client_for(world.head_of_year9)
    url = reverse("behaviour:suspension_notices", args=[suspension.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"misses_exam": "on"})
    assert response.status_code == 302
    sent = SuspensionNotice.objects.filter(suspension=suspension)
    assert sorted(sent.values_list("party", flat=True)) == ["governors", "local_authority", "parent"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(sent.values_list("email", flat=True))
    to_parent = [m for m in mail.outbox if m.to[0] not in ("clerk@oakfield.test", "exclusions@la.test")][0]
    assert to_parent.attachments and to_parent.attachments[0][2] == "application/pdf"
    assert to_parent.attachments[0][1].startswith(b"%PDF")
    suspension.refresh_from_db()
    assert suspension.parents_informed
    again = client.post(url, {"misses_exam": "on"})
    assert "Nobody is due a notice now" in again.content.decode()
    assert SuspensionNotice.objects.filter(suspension=suspension).count() == 3


def test_it_sends_no_notice_of_a_withdrawn_suspension(world):
    suspension = _suspend(world, day(2), day(2), 2)
    services.suspension_withdraw(actor=world.senior, suspension=suspension, reason="Rescinded by the head")
    with pytest.raises(ValidationError):
        services.suspension_notices_send(actor=world.senior, suspension=suspension)


@outsider_test("behaviour:suspension_notices")
def test_it_hides_the_notices_from_another_school_and_refuses_a_tutor(world):
    suspension = _suspend(world, day(2), day(2), 2)
    url = reverse("behaviour:suspension_notices", args=[suspension.pk])
    assert_outsider_404(client_for(world.outsider), url)
    assert client_for(world.tutor).post(url, {}).status_code == 403
    assert not SuspensionNotice.objects.exists()


def test_only_senior_leaders_and_administrators_keep_the_notice_addresses(world):
    url = reverse("behaviour:notice_addresses")
    assert client_for(world.tutor).get(url).status_code == 403
    response = client_for(world.senior).post(
        url, {"governors_email": "governors@oakfield.test", "local_authority_email": "not an address"}
    )
    assert "Enter a valid email address" in response.content.decode()
    client_for(world.senior).post(
        url, {"governors_email": "governors@oakfield.test", "local_authority_email": "la@la.test"}
    )
    assert NoticeAddresses.objects.get(organisation=world.school).governors_email == "governors@oakfield.test"
