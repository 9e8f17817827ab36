"""Transferring the child protection file: the 5-school-day receipt alert on hand-computed dates (a weekend, the
half-term closure, the holiday between terms), the single-use expiring link, receipt, and who may do what."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from core.testing.calendar import (
    FRIDAY,
    LAST_DAY_OF_AUTUMN,
    SPRING_STARTS,
    THURSDAY,
    WEDNESDAY,
    day,
)
from core.testing.factories import RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.world import shared_world
from safeguarding import timers
from safeguarding.models import FileTransfer, ImmutableRecord, TransferReceipt
from safeguarding.selectors import transfers as selectors
from safeguarding.services import transfers as services

from .helpers import build_termed_world, log, stepped_up

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 10, 23, 15, tzinfo=datetime.UTC)  # Friday before half term


world = shared_world(build_termed_world, at=TODAY)


def send(world, now=TODAY, **kw):
    return services.transfer_send(
        actor=world.dsl,
        pupil=world.alice,
        to_school="Hillside Academy",
        to_name="Harriet Hill",
        to_email="dsl@hillside.test",
        now=now,
        **kw,
    )


def test_it_skips_a_weekend_when_counting_five_school_days(world):
    """Sent Wednesday 9 Sep 2026: Thu 10, Fri 11, Mon 14, Tue 15, Wed 16 → due Wednesday 16 Sep."""
    assert timers.receipt_due(organisation_id=world.school.pk, sent_on=day(0, WEDNESDAY)) == datetime.date(
        2026, 9, 16
    )


def test_it_skips_the_half_term_closure(world):
    """Sent Friday 23 Oct 2026; half term is 26–30 Oct: Mon 2, Tue 3, Wed 4, Thu 5, Fri 6 Nov → due Friday 6 Nov."""
    assert timers.receipt_due(organisation_id=world.school.pk, sent_on=day(6, FRIDAY)) == datetime.date(
        2026, 11, 6
    )


def test_it_skips_the_holiday_between_terms(world):
    """Sent Thursday 17 Dec 2026: Fri 18 Dec (last day of autumn), then spring from Mon 4 Jan: 4, 5, 6, 7 Jan →
    due Thursday 7 Jan 2027."""
    assert datetime.date(2026, 12, 18) == LAST_DAY_OF_AUTUMN and datetime.date(2027, 1, 4) == SPRING_STARTS
    assert timers.receipt_due(organisation_id=world.school.pk, sent_on=day(14, THURSDAY)) == datetime.date(
        2027, 1, 7
    )


def test_it_alerts_the_dsl_only_after_the_fifth_school_day_without_receipt(world):
    """Due Friday 6 Nov: no alert that day, an alert on Monday 9 Nov; a receipt ends it."""
    log(world)
    transfer, _ = send(world)
    assert selectors.overdue_transfers(world.dsl, datetime.date(2026, 11, 6)) == []
    [late] = selectors.overdue_transfers(world.dsl, datetime.date(2026, 11, 9))
    assert (late.transfer, late.due_on) == (transfer, datetime.date(2026, 11, 6))
    services.transfer_confirm(transfer=transfer, name="Harriet Hill")
    assert selectors.overdue_transfers(world.dsl, datetime.date(2026, 11, 9)) == []


def test_it_downloads_the_file_once_through_the_link_and_takes_the_receipt(world):
    """The link gives a ZIP of the PDF and the JSON once; a second download is refused; receipt is recorded and
    shows on the sending DSL's log."""
    log(world)
    transfer, token = send(world)
    anonymous = Client()
    url = reverse("safeguarding:transfer_link", args=[token])
    assert anonymous.get(url).status_code == 200
    response = anonymous.post(url, {"do": "download"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["cp-file.json", "cp-file.pdf"]
    document = json.loads(archive.read("cp-file.json"))
    assert document["pupil"]["last_name"] == "Archer" and len(document["concerns"]) == 1
    assert anonymous.post(url, {"do": "download"}).status_code == 410
    assert anonymous.post(url, {"do": "confirm", "name": "Harriet Hill"}).status_code == 200
    assert TransferReceipt.objects.get().confirmed_by_name == "Harriet Hill"
    page = (
        stepped_up(world.dsl).get(reverse("safeguarding:transfers", args=[world.alice.pk])).content.decode()
    )
    assert "Confirmed" in page and "by Harriet Hill" in page


def test_it_refuses_an_expired_or_unknown_link(world):
    transfer, token = send(world, now=TODAY - datetime.timedelta(days=8))
    with pytest.raises(services.LinkUnusable):
        services.transfer_fetch(transfer=transfer, now=TODAY)
    client = Client()
    assert client.get(reverse("safeguarding:transfer_link", args=["not-a-token"])).status_code == 404


def test_it_never_changes_a_transfer(world):
    transfer, _ = send(world)
    with pytest.raises(ImmutableRecord):
        FileTransfer.objects.filter(pk=transfer.pk).update(to_email="x@y.test")


def test_it_sends_to_another_pastoral_school_whose_dsl_confirms(world):
    """Sent to Riverside through Pastoral: Riverside's DSL sees it, downloads it once, confirms receipt; Riverside's
    senior leader gets 403."""
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    transfer, _ = send(world, to_organisation=world.other_school)
    assert list(selectors.incoming(world.outsider)) == [transfer]
    client = stepped_up(world.outsider)
    assert client.post(reverse("safeguarding:incoming_fetch", args=[transfer.pk])).status_code == 200
    client.post(reverse("safeguarding:incoming_confirm", args=[transfer.pk]))
    assert TransferReceipt.objects.get().confirmed_by == world.outsider
    other_leader = RoleFactory(organisation=world.other_school, role=Role.SENIOR_LEADER).user
    assert (
        stepped_up(other_leader)
        .post(reverse("safeguarding:incoming_confirm", args=[transfer.pk]))
        .status_code
        == 403
    )


def test_it_lists_a_leaver_whose_file_has_not_been_sent(world):
    log(world)
    world.alice.left_on = datetime.date(2026, 10, 23)
    world.alice.save()
    assert list(selectors.leavers_to_send(world.dsl)) == [world.alice]
    send(world)
    assert list(selectors.leavers_to_send(world.dsl)) == []


@pytest.mark.parametrize("persona", ["tutor", "senior", "head_of_year9"])
def test_it_refuses_the_transfer_to_other_roles(world, persona):
    """Outside the DSL team: 403 on the child's transfers, the files sent to the school and a transfer's file."""
    transfer, _ = send(world, to_organisation=world.other_school)
    client = stepped_up(getattr(world, persona))
    assert client.get(reverse("safeguarding:transfers", args=[world.alice.pk])).status_code == 403
    assert client.get(reverse("safeguarding:incoming")).status_code == 403
    assert client.post(reverse("safeguarding:incoming_fetch", args=[transfer.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.transfer_send(
            actor=getattr(world, persona), pupil=world.alice, to_school="X", to_name="Y", to_email="y@x.test"
        )


@outsider_test(
    "safeguarding:transfers",
    "safeguarding:transfer_link",
    "safeguarding:incoming_fetch",
    "safeguarding:incoming_confirm",
)
def test_it_hides_transfers_from_another_school(world):
    """Riverside's DSL gets 404 for Oakfield's transfer page and for a transfer not sent to Riverside; an unknown
    token is 404."""
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.DSL)
    transfer, _ = send(world)
    client = stepped_up(world.outsider)
    assert_outsider_404(client, reverse("safeguarding:transfers", args=[world.alice.pk]))
    assert_outsider_404(client, reverse("safeguarding:incoming_fetch", args=[transfer.pk]), "post")
    assert_outsider_404(client, reverse("safeguarding:incoming_confirm", args=[transfer.pk]), "post")
    assert_outsider_404(client, reverse("safeguarding:transfer_link", args=["guessed"]))
    assert timezone.now() == TODAY
