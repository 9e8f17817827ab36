"""Building a Pastoral Support Programme for tests, through the real services."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from support_plans import services
from support_plans.models import Meeting, SupportPlan


def smart(**overrides: Any) -> dict[str, Any]:
    data = {
        "specific": "Stay in every lesson without walking out",
        "measure": "Lessons walked out of, from the report card",
        "baseline": "4 walk-outs a week",
        "achievable": "Alice already stays in maths and PE",
        "result": "Alice learns in every lesson and avoids suspension",
        "due_on": timezone.localdate() + datetime.timedelta(weeks=4),
        "step": 1,
        "support": "Time-out card agreed with teachers",
        "support_by": "school",
        "support_by_detail": "Form tutor",
        "recognition": "Positive phone call home each Friday",
    }
    data.update(overrides)
    return data


def open_plan(
    world: Any, pupil: Any = None, coordinator: Any = None, opened_on: datetime.date | None = None
) -> SupportPlan:
    return services.plan_open(
        actor=world.head_of_year9,
        pupil=pupil or world.alice,
        coordinator=coordinator or world.head_of_year9,
        reason="Two suspensions this term for defiance; at risk of permanent exclusion.",
        opened_on=opened_on,
    )


def started_plan(
    world: Any, held_on: datetime.date | None = None, pupil: Any = None, actor: Any = None
) -> SupportPlan:
    """A plan with one target and its initial meeting recorded (Alice's, run by the head of year, unless told)."""
    actor = actor or world.head_of_year9
    held_on = held_on or timezone.localdate() - datetime.timedelta(weeks=12)
    plan = services.plan_open(
        actor=actor,
        pupil=pupil or world.alice,
        coordinator=actor,
        reason="Two suspensions this term for defiance; at risk of permanent exclusion.",
        opened_on=held_on,  # opened no later than its initial meeting
    )
    services.target_add(actor=actor, plan=plan, **smart())
    services.meeting_record(
        actor=actor,
        plan=plan,
        kind=Meeting.Kind.INITIAL,
        held_on=held_on,
        summary="Targets agreed with Alice and her mother.",
        attendees=list(plan.parties.all()),
    )
    plan.refresh_from_db()
    return plan
