"""Referrals and signposting: the agency's timer on hand-computed dates, overdue alerts, the steps, and who may do
what (the DSL team refers; a PAL signposts; outsiders get 404, other roles 403)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from access.roles import Role
from audit.models import AuditEvent
from core.testing.calendar import FRIDAY, MONDAY, TUESDAY, day
from core.testing.factories import RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from organisations.models import Closure
from safeguarding import selectors, services
from safeguarding.models import ImmutableRecord, Referral

from .helpers import build_referral_world, close, log, refer, stepped_up

pytestmark = pytest.mark.django_db


TODAY = datetime.datetime(2026, 9, 15, 9, tzinfo=datetime.UTC)  # Tuesday of the term's second week


world = shared_world(build_referral_world, at=TODAY)


def test_it_counts_working_days_past_the_weekend_and_a_bank_holiday(world):
    """Social care answers within 1 working day: made Friday 11 Sep 2026, due Monday 14 Sep; with Monday a bank
    holiday, Tuesday 15 Sep."""
    assert refer(world, world.social_care, day(0, FRIDAY)).answer_due_on == datetime.date(2026, 9, 14)
    Closure.objects.create(
        organisation=world.school, kind=Closure.Kind.BANK_HOLIDAY, starts_on=day(1), ends_on=day(1)
    )
    assert refer(world, world.social_care, day(0, FRIDAY)).answer_due_on == datetime.date(2026, 9, 15)


def test_it_counts_calendar_days_when_the_agency_says_so(world):
    """CAMHS acknowledges within 10 calendar days: made Monday 7 Sep, due Thursday 17 Sep."""
    assert refer(world, world.camhs, day(0)).answer_due_on == datetime.date(2026, 9, 17)


def test_it_flags_a_referral_overdue_the_day_after_its_answer_was_due(world):
    """Due Monday 14 Sep: not overdue that day, overdue on Tuesday 15 Sep by 1 day."""
    referral = refer(world, world.social_care, day(0, FRIDAY))
    everything = Referral.objects.all()
    assert list(selectors.overdue(everything, day(1, MONDAY))) == []
    assert list(selectors.overdue(everything, day(1, TUESDAY))) == [referral]
    timer = selectors.timer(referral, day(1, TUESDAY) + datetime.timedelta(days=1))
    assert (timer.overdue, timer.days_over, timer.status) == (True, 2, "Made")


def test_it_stops_the_timer_only_on_the_answer_the_agency_owes(world):
    """Social care owes a decision: an acknowledgement leaves it overdue, 'accepted' stops it. CAMHS owes an
    acknowledgement: that stops it."""
    care, camhs = refer(world, world.social_care, day(0, FRIDAY)), refer(world, world.camhs, day(0))
    later = day(3)
    services.referral_update(actor=world.dsl, referral=care, status="acknowledged", on=day(1))
    services.referral_update(actor=world.dsl, referral=camhs, status="acknowledged", on=day(1, FRIDAY))
    assert list(selectors.overdue(Referral.objects.all(), later)) == [care]
    services.referral_update(actor=world.dsl, referral=care, status="accepted", on=day(2), reference="MASH-1")
    assert list(selectors.overdue(Referral.objects.all(), later)) == []
    assert selectors.timer(care, later).answered_on == day(2)


def test_it_records_the_steps_and_closes_with_an_outcome(world):
    """Closing needs the outcome; once closed, no further step is recorded and it is never overdue."""
    referral = refer(world, world.camhs, day(0))
    with pytest.raises(ValidationError):
        services.referral_update(actor=world.dsl, referral=referral, status="closed", on=day(1))
    close(world, referral, day(1), note="Seen; discharged.")
    with pytest.raises(ValidationError):
        services.referral_update(actor=world.dsl, referral=referral, status="seen", on=day(2))
    assert list(selectors.overdue(Referral.objects.all(), day(10))) == []
    with pytest.raises(ValidationError):
        services.referral_update(
            actor=world.dsl, referral=refer(world, world.camhs, day(1)), status="seen", on=day(0)
        )


def test_it_never_edits_a_referral(world):
    referral = refer(world, world.camhs, day(0))
    referral.reason = "changed"
    with pytest.raises(ImmutableRecord):
        referral.save()
    with pytest.raises(ImmutableRecord):
        Referral.objects.update(reason="x")


def test_it_lets_a_pal_signpost_but_not_refer_to_social_care(world):
    """The listening-note hook: a PAL signposts Alice to CAMHS (source recorded), may not refer to social care; a
    tutor may do neither."""
    referral = refer(
        world,
        world.camhs,
        day(0),
        actor=world.pal,
        reason="Low mood, asked for help.",
        source="listening_note",
        source_ref="12",
    )
    assert (referral.source, referral.source_ref, referral.made_by) == ("listening_note", "12", world.pal)
    with pytest.raises(PermissionDenied):
        refer(world, world.social_care, day(0), actor=world.pal)
    with pytest.raises(PermissionDenied):
        refer(world, world.camhs, day(0), actor=world.tutor)


def test_it_shows_a_pal_their_own_referral_but_not_the_dsls(world):
    mine = refer(world, world.camhs, day(0), actor=world.pal)
    dsls = refer(world, world.camhs, day(0))
    client = client_for(world.pal)
    assert client.get(reverse("safeguarding:referral_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("safeguarding:referral_detail", args=[dsls.pk])).status_code == 403
    assert list(selectors.visible_referrals(world.pal)) == [mine]


@pytest.mark.parametrize("persona", ["tutor", "senior", "head_of_year9", "senco"])
def test_it_refuses_referrals_and_agencies_to_other_roles(world, persona):
    referral = refer(world, world.social_care, day(0))
    client = stepped_up(getattr(world, persona))
    assert client.get(reverse("safeguarding:referral_detail", args=[referral.pk])).status_code == 403
    assert client.post(reverse("safeguarding:referral_update", args=[referral.pk])).status_code == 403
    assert client.get(reverse("safeguarding:referral_new", args=[world.alice.pk])).status_code == 403
    assert client.get(reverse("safeguarding:agency", args=[world.camhs.pk])).status_code == 403
    assert client.get(reverse("safeguarding:agencies")).status_code == 403


@outsider_test(
    "safeguarding:referral_detail",
    "safeguarding:referral_update",
    "safeguarding:referral_new",
    "safeguarding:agency",
)
def test_it_hides_referrals_and_agencies_from_another_school(world):
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    referral = refer(world, world.social_care, day(0))
    client = stepped_up(world.outsider)
    assert_outsider_404(client, reverse("safeguarding:referral_detail", args=[referral.pk]))
    assert_outsider_404(client, reverse("safeguarding:referral_update", args=[referral.pk]), "post")
    assert_outsider_404(client, reverse("safeguarding:referral_new", args=[world.alice.pk]))
    assert_outsider_404(client, reverse("safeguarding:agency", args=[world.camhs.pk]))


def test_it_makes_a_referral_from_a_concern_through_the_page(world, monkeypatch):
    """The DSL refers Alice to CAMHS from a concern; the answer date is on the page and the read is audited."""
    concern = log(world, happened_at=datetime.datetime(2026, 9, 7, 9, tzinfo=datetime.UTC))
    client = stepped_up(world.dsl)
    url = reverse("safeguarding:referral_new", args=[world.alice.pk])
    response = client.post(
        url,
        {
            "concern": concern.pk,
            "agency": world.camhs.pk,
            "made_on": "2026-09-07",
            "reason": "Self-harm.",
            "consent": "given",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.concern == concern
    page = client.get(reverse("safeguarding:referral_detail", args=[referral.pk])).content.decode()
    assert "Thu 17 Sep 2026" in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.READ, object_type="safeguarding.Referral", object_id=str(referral.pk)
    ).exists()
    bad = client.post(
        url, {"agency": world.camhs.pk, "made_on": "2026-09-07", "reason": " ", "consent": "given"}
    )
    assert bad.status_code == 200 and "Say why the child is referred" in bad.content.decode()


def test_it_puts_overdue_referrals_on_the_queue_and_the_referrers_home(world, monkeypatch):
    """On Tuesday 15 Sep the social care referral due Monday 14 is on the DSL's queue; the PAL's overdue
    signposting shows on the PAL's home page."""
    refer(world, world.social_care, day(0, FRIDAY))
    refer(world, world.camhs, day(0, MONDAY) - datetime.timedelta(days=7), actor=world.pal)
    queue = client_for(world.dsl).get(reverse("safeguarding:queue")).content.decode()
    assert "Children&#x27;s Services front door" in queue and "Mon 14 Sep 2026" in queue
    home = client_for(world.pal).get(reverse("home")).content.decode()
    assert "referral with an overdue answer" in home
