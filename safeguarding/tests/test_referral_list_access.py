"""Who may open the referrals page and its closed referrals, and what reading them audits: another school's DSL
sees none of Oakfield's (404 for each one's page), a member of staff outside the DSL team is refused (403), a PAL
sees the ones they made, and every referral listed or opened is an audited read that shows on the child's "who has
viewed this file". "Today" is Thursday 10 December 2026."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from access.models import RoleAssignment
from access.roles import Role
from audit.models import AuditEvent
from core.testing.factories import RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from safeguarding import selectors

from .helpers import agency, build_referral_world, close, refer, stepped_up

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 10, 9, tzinfo=datetime.UTC)
URL = reverse("safeguarding:referrals")
CLOSED = {"show": "closed"}

world = shared_world(build_referral_world, at=TODAY)


def _closed(world, pupil=None, actor=None):
    """A CAMHS referral made on Mon 2 Nov and closed on Fri 4 Dec, by the DSL unless told."""
    referral = refer(world, world.camhs, datetime.date(2026, 11, 2), actor=actor, pupil=pupil)
    close(world, referral, datetime.date(2026, 12, 4), actor=actor)
    return referral


def _detail(referral) -> str:
    return reverse("safeguarding:referral_detail", args=[referral.pk])


def _reads(user, referral) -> list[str]:
    """The notes of `user`'s audited reads of `referral`."""
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.READ,
            actor=user,
            object_type="safeguarding.Referral",
            object_id=str(referral.pk),
        ).values_list("note", flat=True)
    )


@outsider_test("safeguarding:referral_detail", "safeguarding:referral_update")
def test_it_hides_another_schools_closed_referrals_from_its_dsl(world):
    """Olive, Riverside's DSL, sees Riverside's closed referral in the closed list but none of Oakfield's, gets 404
    for an Oakfield closed referral's page and its next step, and no read of it is recorded."""
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    oakfield = _closed(world)
    riverside_camhs = agency(world.other_school, name="Riverside CAMHS")
    riverside = refer(
        world, riverside_camhs, datetime.date(2026, 11, 2), actor=world.outsider, pupil=world.rory
    )
    close(world, riverside, datetime.date(2026, 12, 4), actor=world.outsider)
    client = stepped_up(world.outsider)
    page = client.get(URL, CLOSED).content.decode()
    assert _detail(riverside) in page
    assert _detail(oakfield) not in page and world.alice.display_name not in page
    assert_outsider_404(client, _detail(oakfield))
    update = reverse("safeguarding:referral_update", args=[oakfield.pk])
    assert_outsider_404(client, update, "post", {"status": "seen", "on": "2026-12-10"})
    assert _reads(world.outsider, oakfield) == []


@pytest.mark.parametrize("persona", ["tutor", "head_of_year9", "senior", "senco"])
def test_it_refuses_the_referrals_pages_to_staff_outside_the_dsl_team(world, persona):
    """Tess the tutor (and the head of year, a senior leader, the SENCO) of Oakfield: 403 on the open and the closed
    referrals and on a closed referral's page and next step; nothing of it is read."""
    referral = _closed(world)
    user = getattr(world, persona)
    client = stepped_up(user)
    assert client.get(URL).status_code == 403
    assert client.get(URL, CLOSED).status_code == 403
    assert client.get(_detail(referral)).status_code == 403
    update = reverse("safeguarding:referral_update", args=[referral.pk])
    assert client.post(update, {"status": "seen", "on": "2026-12-10"}).status_code == 403
    assert _reads(user, referral) == []


def test_it_shows_a_pal_the_closed_referrals_they_made_and_no_others(world):
    """Paul the PAL's closed signposting is listed for him; the DSL's closed referral about the same child is not."""
    mine = _closed(world, actor=world.pal)
    dsls = _closed(world)
    page = client_for(world.pal).get(URL, CLOSED)
    assert page.status_code == 200
    assert _detail(mine) in page.content.decode() and _detail(dsls) not in page.content.decode()


def test_it_lets_a_former_pal_follow_up_the_referrals_they_made(world):
    """Paul's PAL role ended yesterday: he still sees the referral he made (he follows it up), and nothing else."""
    mine = _closed(world, actor=world.pal)
    RoleAssignment.objects.filter(user=world.pal).update(ends_on=datetime.date(2026, 12, 9))
    page = client_for(world.pal).get(URL, CLOSED)
    assert page.status_code == 200 and _detail(mine) in page.content.decode()


def test_it_audits_each_closed_referral_listed_and_opened(world):
    """The closed list records a read of each closed referral on it (not of the open one); opening one records
    another; both are on Alice's "who has viewed this file", Ben's closed referral on his file only."""
    alices, bens = _closed(world), _closed(world, pupil=world.ben)
    still_open = refer(world, world.camhs, datetime.date(2026, 12, 1))
    client = stepped_up(world.dsl)
    client.get(URL, CLOSED)
    listed = "safeguarding: listed with the closed referrals"
    assert _reads(world.dsl, alices) == [listed] and _reads(world.dsl, bens) == [listed]
    assert _reads(world.dsl, still_open) == []
    client.get(_detail(alices))
    assert sorted(_reads(world.dsl, alices)) == sorted([listed, "safeguarding: referral opened"])
    event = AuditEvent.objects.filter(object_type="safeguarding.Referral", object_id=str(alices.pk)).first()
    assert event.organisation_id == world.school.pk
    viewers = {(e.object_id, e.note) for e in selectors.file_viewers(world.alice)}
    assert {(str(alices.pk), listed), (str(alices.pk), "safeguarding: referral opened")} <= viewers
    assert str(bens.pk) not in {object_id for object_id, _ in viewers}
    page = client.get(reverse("safeguarding:viewers", args=[world.alice.pk])).content.decode()
    assert f"Referral #{alices.pk} to CAMHS: {listed}" in page
