"""Destroying a child's safeguarding file after its retention review: the DSL only, after date of birth + 25 years
(not a day before), never under a retention hold or a legal hold, after a confirmation page and with a recorded
reason; one transaction; a tombstone and an audit event remain, with no personal content."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from access.roles import Role
from audit.models import AuditEvent
from core.testing.clock import fixed_clock
from core.testing.factories import PupilFactory, RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import build_school_world
from core.testing.world import shared_world
from safeguarding import services
from safeguarding.models import (
    ChronologyEntry,
    Concern,
    ConcernLink,
    Decision,
    FileDestruction,
    ProtectionStatus,
    RetentionReview,
)
from safeguarding.services import destruction, retention

from .helpers import decide, log, stepped_up

pytestmark = pytest.mark.django_db

LIMIT = datetime.date(2026, 3, 1)  # born 1 March 2001: kept until 1 March 2026
NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)


def _build_world():
    world = build_school_world()
    world.old = PupilFactory(
        organisation=world.school, date_of_birth=datetime.date(2001, 3, 1), left_on=datetime.date(2019, 7, 20)
    )
    world.concern = log(world, pupil=world.old, actor=world.dsl, seen_or_heard="Bruise on the arm, verbatim.")
    decide(world, world.concern)
    services.status_set(actor=world.dsl, pupil=world.old, status="cin", starts_on=datetime.date(2015, 1, 5))
    services.entry_add(
        actor=world.dsl, pupil=world.old, kind="contact", occurred_on=datetime.date(2015, 1, 6), summary="Mum"
    )
    other = log(world, pupil=world.alice, actor=world.dsl)
    services.concern_link(actor=world.dsl, concern=world.concern, linked=other, reason="sibling")
    retention.apply_retention(organisation=world.school, today=LIMIT)
    return world


world = shared_world(_build_world)


def _gone(world) -> bool:
    return not (
        Concern.objects.filter(pupil=world.old).exists()
        or ProtectionStatus.objects.filter(pupil=world.old).exists()
        or ChronologyEntry.objects.filter(pupil=world.old).exists()
        or RetentionReview.objects.filter(pupil=world.old).exists()
    )


def test_it_destroys_the_file_and_leaves_a_tombstone_and_an_audit_event(world):
    """Every record of the file goes with the audit events about it; the other child's concern stays (the link
    goes); the tombstone holds who, when, the reason and counts, and no personal content."""
    concern_pk = world.concern.pk
    tombstone = destruction.file_destroy(
        actor=world.dsl, pupil=world.old, reason="Reviewed: no ongoing need.", today=LIMIT
    )
    assert _gone(world)
    assert Decision.objects.filter(concern_id=concern_pk).count() == 0 and not ConcernLink.objects.exists()
    assert Concern.objects.filter(pupil=world.alice).count() == 1
    assert tombstone.counts == {
        "links to other concerns": 1,
        "decisions": 1,
        "concerns": 1,
        "chronology entries": 1,
        "child protection statuses": 1,
        "retention reviews": 1,
    }
    assert (tombstone.destroyed_by, tombstone.pupil_ref) == (world.dsl, world.old.pk)
    assert not AuditEvent.objects.filter(
        object_type="safeguarding.Concern", object_id=str(concern_pk)
    ).exists()
    assert not AuditEvent.objects.filter(changes__icontains="Bruise on the arm").exists()
    event = AuditEvent.objects.get(action="delete", object_type="safeguarding.FileDestruction")
    assert "1 concerns" in event.note and world.old.legal_last_name not in event.note
    assert retention.retention_counts(organisation=world.school, today=LIMIT).pupils == 0  # not relisted


def test_it_refuses_a_day_before_the_limit(world):
    with pytest.raises(destruction.DestructionRefused, match="kept until 1 March 2026"):
        destruction.file_destroy(
            actor=world.dsl, pupil=world.old, reason="x", today=LIMIT - datetime.timedelta(days=1)
        )
    assert not _gone(world) and not FileDestruction.objects.exists()


def test_it_refuses_under_a_retention_hold_or_a_legal_hold(world):
    world.old.retention_hold = "Insurance claim"
    world.old.save()
    with pytest.raises(destruction.DestructionRefused, match="retention hold"):
        destruction.file_destroy(actor=world.dsl, pupil=world.old, reason="x", today=LIMIT)
    world.old.retention_hold = ""
    world.old.save()
    destruction.hold_place(actor=world.dsl, pupil=world.old, reason="Inquiry moratorium")
    with pytest.raises(destruction.DestructionRefused, match="legal hold"):
        destruction.file_destroy(actor=world.dsl, pupil=world.old, reason="x", today=LIMIT)
    assert not _gone(world)
    destruction.hold_lift(actor=world.dsl, pupil=world.old, reason="Inquiry closed")
    destruction.file_destroy(actor=world.dsl, pupil=world.old, reason="Reviewed.", today=LIMIT)
    assert _gone(world)


def test_it_refuses_a_file_not_yet_listed_for_review_and_anyone_but_the_dsl(world):
    fresh = PupilFactory(organisation=world.school, date_of_birth=datetime.date(2000, 1, 1))
    log(world, pupil=fresh, actor=world.dsl)
    with pytest.raises(destruction.DestructionRefused, match="not been listed"):
        destruction.file_destroy(actor=world.dsl, pupil=fresh, reason="x", today=LIMIT)
    deputy = RoleFactory(organisation=world.school, role=Role.DEPUTY_DSL).user
    with pytest.raises(PermissionDenied):
        destruction.file_destroy(actor=deputy, pupil=world.old, reason="x", today=LIMIT)
    assert not _gone(world)


def test_it_confirms_then_destroys_through_the_page(world, monkeypatch):
    """The page names what will go; without the tick or a reason nothing goes; with both the file is destroyed."""
    fixed_clock(monkeypatch, NOON)
    client = stepped_up(world.dsl)
    url = reverse("safeguarding:destroy", args=[world.old.pk])
    page = client.get(url).content.decode()
    assert "1 concerns" in page and world.old.display_name in page and "Destroy the file" in page
    assert client.post(url, {"reason": "Reviewed."}).status_code == 400
    assert client.post(url, {"confirm": "on", "reason": " "}).status_code == 400
    assert not _gone(world)
    response = client.post(url, {"confirm": "on", "reason": "Reviewed: no ongoing need."})
    assert response.status_code == 302 and _gone(world)
    assert FileDestruction.objects.get().reason == "Reviewed: no ongoing need."


def test_it_shows_the_refusal_on_the_page_and_places_a_hold(world, monkeypatch):
    fixed_clock(monkeypatch, NOON)
    client = stepped_up(world.dsl)
    hold = reverse("safeguarding:hold", args=[world.old.pk])
    assert client.post(hold, {"reason": "Police request"}).status_code == 302
    page = client.get(reverse("safeguarding:destroy", args=[world.old.pk])).content.decode()
    assert "under a legal hold" in page and "Destroy the file</button>" not in page
    assert client.post(hold, {"reason": "Case closed", "lift": "1"}).status_code == 302
    assert destruction.active_hold(world.old) is None


def test_it_refuses_the_pages_to_other_roles(world):
    deputy = RoleFactory(organisation=world.school, role=Role.DEPUTY_DSL).user
    for url in (
        reverse("safeguarding:destroy", args=[world.old.pk]),
        reverse("safeguarding:hold", args=[world.old.pk]),
    ):
        for user in (deputy, world.senior, world.tutor):
            client = stepped_up(user)
            response = (
                client.post(url, {"reason": "x", "confirm": "on"}) if "hold" in url else client.get(url)
            )
            assert response.status_code == 403, (url, user)
    assert not _gone(world)


@outsider_test("safeguarding:destroy")
def test_it_hides_the_destruction_page_from_another_school(world):
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    assert_outsider_404(stepped_up(world.outsider), reverse("safeguarding:destroy", args=[world.old.pk]))


@outsider_test("safeguarding:hold")
def test_it_hides_the_hold_from_another_school(world):
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    url = reverse("safeguarding:hold", args=[world.old.pk])
    assert_outsider_404(stepped_up(world.outsider), url, method="post", data={"reason": "x"})
    assert destruction.active_hold(world.old) is None
