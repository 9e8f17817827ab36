"""The demo world: a tutor's concerns at the main school, decided by the DSL and the deputy, one in the queue."""

from __future__ import annotations

import datetime

import pytest

from core.testing.world import shared_world
from demo.world import build_world
from safeguarding import selectors
from safeguarding.models import Action, Concern, Decision, ProtectionStatus

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)

# Both tests read the same demo world: built once for the module.
world = shared_world(lambda: build_world(today=TODAY, pupils_per_school=60))


def test_it_builds_concerns_decisions_actions_and_a_status(world):
    """Four concerns; three decided with reasons (by the DSL and the deputy); one waiting in the DSL's queue."""
    concerns = Concern.objects.filter(organisation=world.main_school)
    assert concerns.count() == 4
    assert set(concerns.values_list("logged_by", flat=True)) == {world.users["tutor"].pk}
    deciders = set(Decision.objects.values_list("decided_by", flat=True))
    assert deciders == {world.users["dsl"].pk, world.users["deputy_dsl"].pk}
    assert all(d.reason for d in Decision.objects.all())
    assert Action.objects.count() == 3 and ProtectionStatus.objects.count() == 1
    assert selectors.queue(world.users["dsl"]).count() == 1


def test_it_builds_referrals_a_transfer_and_a_safety_net_meeting(world):
    """A referral waiting on CAMHS, an overdue social-care answer, a transfer not receipted within 5 school days,
    a past safety-net meeting whose open action is carried to the next one, and a primary school's file on a
    pupil's chronology."""
    from safeguarding.models import Referral, SafetyNetMeeting
    from safeguarding.selectors import meetings, transfers

    dsl = world.users["dsl"]
    camhs = Referral.objects.get(agency__kind="camhs")
    assert selectors.timer(camhs, TODAY).status == "Waiting to be seen"
    [late] = selectors.overdue(selectors.visible_referrals(dsl), TODAY)
    assert late.agency.kind == "social_care"
    assert [s.transfer.to_school for s in transfers.overdue_transfers(dsl, TODAY)] == ["Hillside Academy"]
    upcoming = SafetyNetMeeting.objects.get(on__gt=TODAY)
    assert [a.description for a in meetings.carried_actions(upcoming)] == [
        "Online safety session with parents"
    ]
    from safeguarding.models import ReceivedFile

    [primary] = ReceivedFile.objects.all()
    rows = selectors.chronology(primary.pupil, {"received"})
    assert len(rows) == 4 and all(r.title.startswith("From Meadow Lane Primary: ") for r in rows)


# Set by the clock when the demo is built (recorded, created, uploaded, received at), or worked out by a rule from a
# date the demo set: an agency's deadline in calendar days, a link's expiry, a retention date.
NOT_THE_DEMOS = {
    "referral.answer_due_on",
    "filetransfer.expires_at",
    "retentionreview.due_on",
    "retentionreview.listed_on",
    "receivedfile.received_at",
}
CLOCK_FIELDS = {"recorded_at", "created_at", "uploaded_at", "at", "confirmed_at", "placed_at", "lifted_at"}


def _demo_dates() -> list[tuple[str, datetime.date]]:
    """(model.field, day) for every date and time the safeguarding demo set on its rows."""
    from django.apps import apps
    from django.db import models
    from django.utils import timezone

    found = []
    for model in apps.get_app_config("safeguarding").get_models():
        for field in model._meta.get_fields():
            name = f"{model._meta.model_name}.{field.name}"
            if not isinstance(field, models.DateField) or name in NOT_THE_DEMOS or field.name in CLOCK_FIELDS:
                continue
            for value in model.objects.exclude(**{field.name: None}).values_list(field.name, flat=True):
                found.append(
                    (name, timezone.localdate(value) if isinstance(value, datetime.datetime) else value)
                )
    return found


def test_it_dates_everything_the_safeguarding_demo_makes_on_a_school_day(world):
    """No concern, decision, action, status, contact, referral or its answer, transfer, meeting or meeting action
    (nor the previous school's export) falls at a weekend, outside the school's terms or on a closure."""
    from organisations import calendar

    dates = _demo_dates()
    assert {name for name, _ in dates} >= {
        "concern.happened_at",
        "concern.logged_at",
        "decision.decided_at",
        "action.due_on",
        "chronologyentry.occurred_on",
        "protectionstatus.starts_on",
        "referral.made_on",
        "referralupdate.on",
        "filetransfer.sent_on",
        "safetynetmeeting.on",
        "meetingaction.due_on",
        "meetingactiondone.done_on",
        "receivedfile.generated_at",
    }
    days = [day for _, day in dates]
    school = calendar.calendar_for(world.main_school, min(days), max(days))
    off = sorted((name, day, school.why_not(day)) for name, day in dates if not school.is_school_day(day))
    assert not off, off
