"""The weekly digest: PALs and heads of year get their own list, never a reason their role may not know."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from core.testing.clock import fixed_clock
from core.testing.personas import build_school_world
from early_warning.tasks import send_weekly_digest
from early_warning.tests.helpers import AT, on_cp_plan_with_ehcp, sessions

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    fixed_clock(monkeypatch, AT)
    world = build_school_world()
    # Alice (9A): absent 5 of 10 sessions, all this week (3 + 2 + 4 = 9), new. Cleo (9B): CP plan (3) and EHC plan (2).
    sessions(world.alice, datetime.date(2026, 11, 23), ["/"] * 5 + ["I"] * 5)
    on_cp_plan_with_ehcp(world.cleo, world.dsl)
    return world


def test_it_emails_each_pal_and_head_of_year_their_own_list(world):
    assert (
        send_weekly_digest.call(world.school.pk) == 2
    )  # Hugo (year 9) and Paul (9A, 10A); Hana's year 10 is clear
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {"hugo@oakfield.test", "paul@oakfield.test"}
    body = by_person["hugo@oakfield.test"].body
    assert "Alice A. (Year 9): score 9 — Attendance below threshold; Persistent absence" in body
    assert "1 new since last week" in body
    assert "Cleo" not in body and "protection" not in body.lower()
    assert "Cleo" not in by_person["paul@oakfield.test"].body
