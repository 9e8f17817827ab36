"""A session register offers its own half-day's present code only: `/` in the morning, `\\` in the afternoon (the
other is a wrong-session mark in the statutory register), while a mark already saved with the other one still
shows as it is. On Wednesday 14 October 2026, never the day the tests run."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import selectors
from attendance.codes import register_codes
from attendance.models import AttendanceMark, Session
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 14)
world = shared_world(at=timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(9))))


def _options(world, session: str) -> list[list[str]]:
    url = reverse("attendance:register", args=[world.group_9a.pk]) + f"?date={DAY:%Y-%m-%d}&session={session}"
    body = client_for(world.tutor).get(url).content.decode()
    selects = re.findall(r"<select[^>]*>(.*?)</select>", body, flags=re.S)
    return [re.findall(r'<option value="([^"]*)"', s) for s in selects if "not marked" in s]


def test_it_offers_the_morning_present_mark_on_the_morning_register_only(world):
    """Every pupil's select on 9A's morning register has `/` and not `\\`; the afternoon's the other way round."""
    for session, own, other in ((Session.AM, "/", "\\"), (Session.PM, "\\", "/")):
        rows = _options(world, session)
        assert rows and all(own in row and other not in row for row in rows)


def test_it_keeps_showing_a_saved_mark_of_the_other_half_day(world):
    """A morning mark imported as `\\` is still selected on the morning register, so saving it loses nothing."""
    pupil = selectors.register_pupils(world.group_9a, DAY)[0]
    AttendanceMark.objects.create(
        organisation=world.school, pupil=pupil, date=DAY, session=Session.AM, code="\\"
    )
    rows = _options(world, Session.AM)
    assert sum("\\" in row for row in rows) == 1


def test_it_lists_the_same_codes_but_the_other_present_mark():
    """`register_codes` is the tutor's codes less the other session's present code."""
    assert "/" in register_codes("AM") and "\\" not in register_codes("AM")
    assert "\\" in register_codes("PM") and "/" not in register_codes("PM")
    assert set(register_codes("AM")) ^ set(register_codes("PM")) == {"/", "\\"}
