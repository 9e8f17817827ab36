"""The built world every insights test counts (hand-computed figures in each test's docstring).

Oakfield, 1 September to 27 November 2026 (the fixed clock's day):
- Alice (9A): 17 of 20 sessions from 16 Nov (I, I, O, then present); two negative incidents; below target in both
  of her courses (MA −1, EN −2 at both points) — early warning 3 + 2 + 2 = 7, flagged.
- Ben (9A): no marks; one positive; an open PSP opened 1 Oct; a withdrawn suspension (not counted); MA at target
  then one above (on target).
- Cleo (9B): a child protection plan and an EHC plan (flagged only for the DSL team: 2 for everyone else); a PSP
  opened 7 Sep, closed successful 20 Nov; female.
- Dan (10A): 5 of 10 sessions from 23 Nov (50%): 3 + 2 + 4, and a suspension on 25 Nov: +4, flagged.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.testing.clock import fixed_clock
from core.testing.personas import build_school_world
from early_warning.tests.helpers import AT, grades, incident, on_cp_plan_with_ehcp, sessions, suspension


@pytest.fixture
def world(monkeypatch):
    from support_plans.models import SupportPlan

    fixed_clock(monkeypatch, AT)
    world = build_school_world()
    sessions(world.alice, datetime.date(2026, 11, 16), ["I", "I", "O"] + ["/"] * 17)
    grades(world.alice, {"MA": [-1, -1], "EN": [-2, -2]})
    incident(world.alice, days_ago=1, severity=1, recorded_by=world.senior)
    incident(world.alice, days_ago=3, severity=1, recorded_by=world.senior)
    incident(world.ben, days_ago=2, severity=1, recorded_by=world.senior, kind="positive")
    grades(world.ben, {"MA": [0, 1]})
    suspension(world.ben, datetime.date(2026, 11, 24), world.senior, withdrawn_at=timezone.now())
    SupportPlan.objects.create(
        organisation=world.school,
        pupil=world.ben,
        coordinator=world.senior,
        opened_on=datetime.date(2026, 10, 1),
        reason="x",
    )
    on_cp_plan_with_ehcp(world.cleo, world.dsl)
    world.cleo.sex = "F"
    world.cleo.save()
    SupportPlan.objects.create(
        organisation=world.school,
        pupil=world.cleo,
        coordinator=world.senior,
        opened_on=datetime.date(2026, 9, 7),
        reason="x",
        status="closed",
        outcome="successful",
        closed_on=datetime.date(2026, 11, 20),
    )
    sessions(world.dan, datetime.date(2026, 11, 23), ["/"] * 5 + ["I"] * 5)
    suspension(world.dan, datetime.date(2026, 11, 25), world.senior)
    return world
