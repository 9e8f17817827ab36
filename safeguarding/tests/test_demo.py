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
