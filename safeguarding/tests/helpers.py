"""Building safeguarding records for tests, through the real services: a concern, a decision, an action, the
school's agencies and a referral (made, and closed), and a client that has stepped up."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.utils import timezone

from core.testing.calendar import record_terms
from core.testing.personas import build_school_world, client_for
from safeguarding import services, stepup
from safeguarding.models import Action, Agency, Decision, Referral, ReferralUpdate

CONCERN = {
    "category": "neglect",
    "location": "Form room",
    "seen_or_heard": "Came in hungry and without a coat.",
    "child_words": "There's no food at home.",
    "others_present": "TA",
}

# The two agencies the referral tests tell stories about: CAMHS acknowledges within 10 calendar days; the social
# care front door owes a decision within 1 working day.
AGENCIES = {
    "camhs": {"name": "CAMHS", "awaits": "ack", "response_days": 10, "working_days": False},
    "social_care": {
        "name": "Children's Services front door",
        "awaits": "decision",
        "response_days": 1,
        "working_days": True,
    },
}


def concern_data(**overrides: Any) -> dict[str, Any]:
    data = {**CONCERN, "happened_at": timezone.now() - datetime.timedelta(hours=1)}
    data.update(overrides)
    return data


def log(world: Any, pupil: Any = None, actor: Any = None, **overrides: Any) -> Any:
    return services.concern_log(
        actor=actor or world.tutor, pupil=pupil or world.alice, **concern_data(**overrides)
    )


def decide(world: Any, concern: Any, outcome: str = "monitor", reason: str = "Watch.", **kw: Any) -> Decision:
    """The DSL's decision on a concern (monitor, "Watch." unless told)."""
    return services.decision_record(actor=world.dsl, concern=concern, outcome=outcome, reason=reason, **kw)


def act(world: Any, concern: Any, description: str = "Call mum", **overrides: Any) -> Action:
    """An action the DSL sets on a concern: the tutor's, due today unless told."""
    data = {"owner": world.tutor, "due_on": timezone.localdate(), **overrides}
    return services.action_add(actor=world.dsl, concern=concern, description=description, **data)


def agency(organisation: Any, kind: str = "camhs", **overrides: Any) -> Agency:
    """One of the school's agencies: CAMHS or the social care front door as `AGENCIES` has them, unless told."""
    return Agency.objects.create(organisation=organisation, kind=kind, **{**AGENCIES[kind], **overrides})


def build_termed_world() -> Any:
    """The personas' world with Oakfield's 2026-27 terms recorded (so school days are the term's, not every
    weekday)."""
    world = build_school_world()
    record_terms(world.school)
    return world


def build_referral_world() -> Any:
    """The personas' world with Oakfield's CAMHS (`world.camhs`) and social care front door (`world.social_care`)."""
    world = build_school_world()
    world.social_care = agency(world.school, "social_care")
    world.camhs = agency(world.school)
    return world


def refer(
    world: Any, agency: Agency, made_on: datetime.date, actor: Any = None, pupil: Any = None, **overrides: Any
) -> Referral:
    """A referral through the real service: Alice's, made by the DSL, with consent, unless told."""
    data = {"reason": "Disclosure at school.", "consent": "given", **overrides}
    return services.referral_create(
        actor=actor or world.dsl, pupil=pupil or world.alice, agency=agency, made_on=made_on, **data
    )


def close(
    world: Any, referral: Referral, on: datetime.date, note: str = "Discharged.", actor: Any = None
) -> ReferralUpdate:
    """The referral closed on `on`, with its outcome, recorded by the DSL unless told."""
    return services.referral_update(
        actor=actor or world.dsl, referral=referral, status="closed", on=on, note=note
    )


def stepped_up(user: Any, at: float | None = None) -> Any:
    """A signed-in client whose safeguarding step-up was verified at `at` (now unless told)."""
    client = client_for(user)
    session = client.session
    stepup.stamp(session, time.time() if at is None else at)
    session.save()
    return client
