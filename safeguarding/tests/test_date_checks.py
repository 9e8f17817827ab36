"""Dates that cannot be right are refused on the field with a plain message, and sensible ones still go through:
nothing before the child was born, nothing yet to happen, no referral before its concern, no action already
overdue, no status years ahead. Alice was born on 1 May 2012; "today" is Wednesday 14 October 2026."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse

from core.testing.personas import client_for
from core.testing.world import shared_world
from safeguarding.models import (
    Action,
    ChronologyEntry,
    Concern,
    ProtectionStatus,
    Referral,
    ReferralUpdate,
)

from .helpers import build_referral_world, concern_data, log, refer, stepped_up

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 10, 14, 9, tzinfo=datetime.UTC)
BORN = "1 May 2012"


world = shared_world(build_referral_world, at=TODAY)


def _refused(response, field: str, message: str) -> bool:
    """The form came back (not a redirect) with `message` under the field `field` (its auto id, prefix and all)."""
    found = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return (
        response.status_code in (200, 400) and found is not None and message in html.unescape(found.group(1))
    )


# --- A concern: when it happened --------------------------------------------------------------


def _log(client, world, when: str):
    data = concern_data(pupil=world.alice.pk, happened_at=when)
    return client.post(reverse("safeguarding:concern_log"), data)


def test_it_refuses_a_concern_that_happened_before_the_child_was_born(world):
    """A slip of the year (2011 for 2026) is refused on "When it happened", and nothing is logged."""
    response = _log(client_for(world.tutor), world, "2011-10-14T09:00")
    assert _refused(
        response, "happened_at", f"When it happened cannot be before the child was born ({BORN})."
    )
    assert not Concern.objects.exists()


def test_it_refuses_a_concern_that_happens_tomorrow(world):
    """Tomorrow morning is refused on "When it happened", the form comes back as typed, and nothing is logged."""
    response = _log(client_for(world.tutor), world, "2026-10-15T09:00")
    assert _refused(response, "happened_at", "When it happened cannot be in the future.")
    assert "Came in hungry and without a coat." in response.content.decode()
    assert not Concern.objects.exists()


def test_it_still_logs_a_concern_from_earlier_today(world):
    """This morning is accepted."""
    assert _log(client_for(world.tutor), world, "2026-10-14T08:30").status_code == 302
    assert Concern.objects.get().pupil == world.alice


def test_it_refuses_a_correction_dated_before_the_child_was_born(world):
    """A correction checks the date against the original concern's child."""
    original = log(world)
    data = concern_data(correction_reason="Wrong day", happened_at="2011-10-14T09:00")
    response = client_for(world.tutor).post(reverse("safeguarding:concern_correct", args=[original.pk]), data)
    assert _refused(
        response, "happened_at", f"When it happened cannot be before the child was born ({BORN})."
    )
    assert Concern.objects.count() == 1


def test_it_refuses_a_correction_dated_in_the_future(world):
    """A correction dated next year (2027 for 2026) is refused; only the original is on the file."""
    original = log(world)
    data = concern_data(correction_reason="Wrong day", happened_at="2027-10-14T09:00")
    response = client_for(world.tutor).post(reverse("safeguarding:concern_correct", args=[original.pk]), data)
    assert _refused(response, "happened_at", "When it happened cannot be in the future.")
    assert list(Concern.objects.all()) == [original]


# --- A chronology entry: occurred on ----------------------------------------------------------


def _entry(world, on: str):
    data = {"kind": "contact", "occurred_on": on, "summary": "Called mum."}
    return stepped_up(world.dsl).post(reverse("safeguarding:entry_add", args=[world.alice.pk]), data)


def test_it_refuses_a_chronology_entry_in_the_future(world):
    """Tomorrow is refused."""
    assert _refused(
        _entry(world, "2026-10-15"), "occurred_on", "The date it occurred cannot be in the future."
    )
    assert not ChronologyEntry.objects.exists()


def test_it_refuses_a_chronology_entry_before_the_child_was_born(world):
    """The day before Alice was born is refused."""
    response = _entry(world, "2012-04-30")
    assert _refused(
        response, "occurred_on", f"The date it occurred cannot be before the child was born ({BORN})."
    )
    assert not ChronologyEntry.objects.exists()


def test_it_adds_a_chronology_entry_dated_today_or_on_the_day_of_birth(world):
    """Today and the day of birth itself are accepted."""
    assert _entry(world, "2026-10-14").status_code == 302
    assert _entry(world, "2012-05-01").status_code == 302
    assert ChronologyEntry.objects.count() == 2


# --- A referral: made on, and its updates -----------------------------------------------------


def _concern_on_5_october(world):
    return log(world, happened_at=datetime.datetime(2026, 10, 5, 14, tzinfo=datetime.UTC))


def _refer(world, concern, made_on: str):
    data = {
        "concern": concern.pk,
        "agency": world.camhs.pk,
        "made_on": made_on,
        "reason": "Low mood.",
        "consent": "given",
    }
    return stepped_up(world.dsl).post(reverse("safeguarding:referral_new", args=[world.alice.pk]), data)


def test_it_refuses_a_referral_made_before_its_concern_happened(world):
    """A concern from 5 October cannot be referred on 4 October."""
    response = _refer(world, _concern_on_5_october(world), "2026-10-04")
    message = "The date made cannot be before the concern it comes from happened (5 Oct 2026)."
    assert _refused(response, "made_on", message)
    assert not Referral.objects.exists()


def test_it_makes_a_referral_on_the_day_its_concern_happened(world):
    """The same day as the concern is accepted, as it always was in an emergency."""
    concern = _concern_on_5_october(world)
    assert _refer(world, concern, "2026-10-05").status_code == 302
    assert Referral.objects.get().concern == concern


def test_it_still_refuses_a_referral_made_in_the_future(world):
    """Tomorrow is refused, as before."""
    response = _refer(world, _concern_on_5_october(world), "2026-10-15")
    assert _refused(response, "made_on", "The date made cannot be in the future.")
    assert not Referral.objects.exists()


def test_it_refuses_a_referral_made_before_the_child_was_born(world):
    """A referral made long ago (2011, a slip of the year), from no concern, is refused on "Made on"; none is
    made."""
    data = {"agency": world.camhs.pk, "made_on": "2011-10-14", "reason": "Low mood.", "consent": "given"}
    url = reverse("safeguarding:referral_new", args=[world.alice.pk])
    response = stepped_up(world.dsl).post(url, data)
    assert _refused(response, "made_on", f"The date made cannot be before the child was born ({BORN}).")
    assert "Low mood." in response.content.decode()
    assert not Referral.objects.exists()


def _referral_made_on_5_october(world):
    return refer(world, world.camhs, datetime.date(2026, 10, 5), reason="Low mood.")


def _update(world, referral, on: str):
    data = {"status": "acknowledged", "on": on}
    return stepped_up(world.dsl).post(reverse("safeguarding:referral_update", args=[referral.pk]), data)


def test_it_refuses_a_referral_update_in_the_future(world):
    """An acknowledgement dated tomorrow is refused."""
    response = _update(world, _referral_made_on_5_october(world), "2026-10-15")
    assert _refused(response, "on", "The date cannot be in the future.")
    assert not ReferralUpdate.objects.exists()


def test_it_refuses_a_referral_update_before_the_referral_was_made(world):
    """An acknowledgement dated before the referral was made is refused."""
    response = _update(world, _referral_made_on_5_october(world), "2026-10-04")
    assert _refused(response, "on", "The date cannot be before the referral was made (5 Oct 2026).")
    assert not ReferralUpdate.objects.exists()


def test_it_records_a_referral_update_between_the_referral_and_today(world):
    """The day it was made and today are both accepted."""
    referral = _referral_made_on_5_october(world)
    assert _update(world, referral, "2026-10-05").status_code == 302
    assert _update(world, referral, "2026-10-14").status_code == 302
    assert referral.updates.count() == 2


# --- An action: due by ------------------------------------------------------------------------


def _action(world, concern, due: str):
    data = {"action-description": "Call mum", "action-owner": world.head_of_year9.pk, "action-due_on": due}
    return stepped_up(world.dsl).post(reverse("safeguarding:action_add", args=[concern.pk]), data)


def test_it_refuses_a_new_action_already_overdue(world):
    """An action due yesterday is refused."""
    response = _action(world, log(world), "2026-10-13")
    assert _refused(response, "action-due_on", "The date it is due by cannot be in the past.")
    assert not Action.objects.exists()


def test_it_adds_an_action_due_today(world):
    """An action due today is accepted."""
    assert _action(world, log(world), "2026-10-14").status_code == 302
    assert Action.objects.get().due_on == datetime.date(2026, 10, 14)


# --- The child protection status: from ----------------------------------------------------------


def _status(world, starts_on: str):
    data = {"status": "cin", "starts_on": starts_on, "note": ""}
    return stepped_up(world.dsl).post(reverse("safeguarding:status", args=[world.alice.pk]), data)


def test_it_refuses_a_status_from_before_the_child_was_born(world):
    """A status from the day before Alice was born is refused."""
    response = _status(world, "2012-04-30")
    assert _refused(
        response, "starts_on", f"The date it starts cannot be before the child was born ({BORN})."
    )
    assert not ProtectionStatus.objects.exists()


def test_it_refuses_a_status_more_than_six_months_ahead(world):
    """A year slipped forward (2027 for 2026) is refused."""
    assert _refused(_status(world, "2027-10-14"), "starts_on", "check the year")
    assert not ProtectionStatus.objects.exists()


def test_it_records_a_status_from_the_past_or_from_a_coming_conference(world):
    """From last month, and from a review conference in three weeks (it takes effect then), are accepted."""
    assert _status(world, "2026-09-14").status_code == 302
    assert _status(world, "2026-11-04").status_code == 302
    assert [s.starts_on for s in ProtectionStatus.objects.all()] == [
        datetime.date(2026, 11, 4),
        datetime.date(2026, 9, 14),
    ]
