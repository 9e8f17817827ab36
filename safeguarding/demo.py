"""Demo data: at the main school, a tutor's concerns about three of their form, the DSL's and the deputy's
decisions with reasons and actions, one child on a child protection plan, and a new concern waiting in the queue.

Every date the demo sets is a school day of the school (`organisations.calendar`): the concerns are seen in school
(form room, corridor, playground), and the DSL team decides, refers, phones, meets and sets actions on school days.
Offsets are counted in school days (`SchoolDays`), not calendar days."""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from access.permissions import forget_access, visible_pupils
from organisations import calendar
from safeguarding import services
from safeguarding.models import ChronologyEntry, Decision, ProtectionStatus

# How far back and ahead the demo dates anything: the previous school's file (265 school days back, over a year)
# and the actions and meetings set ahead.
BACK, AHEAD = datetime.timedelta(days=730), datetime.timedelta(days=120)

CONCERNS = [
    (
        "neglect",
        "Form room, registration",
        "Came in without a coat again in the rain; hungry, asked twice for toast from the breakfast club.",
        "There's no food at home since Mum's been poorly. I look after my brother.",
    ),
    (
        "online",
        "Corridor outside IT2",
        "Overheard a group saying an older boy online has been asking her for photos.",
        "He said he'd share the other ones if I don't.",
    ),
    (
        "mental_health",
        "Year office",
        "Tearful in maths, said she had not slept. Marks on her forearm she covered quickly.",
        "I just want it all to stop.",
    ),
    (
        "child_on_child",
        "Playground, lunch",
        "Saw two older pupils push him against the fence and take his bag.",
        "They do it every day, it's fine.",
    ),
]


@dataclass
class SchoolDays:
    """The school's days around the demo's today, counted from the last school day on or before it."""

    days: list[datetime.date]
    at: int

    @classmethod
    def around(cls, school: Any, today: datetime.date) -> SchoolDays:
        days = calendar.calendar_for(school, today - BACK, today + AHEAD).school_days()
        return cls(days, max(bisect.bisect_right(days, today) - 1, 0))

    def ago(self, count: int) -> datetime.date:
        """The school day `count` school days before today's (0: today, or the last school day before it)."""
        return self.days[self.at - count]

    def ahead(self, count: int) -> datetime.date:
        """The school day `count` school days after today's."""
        return self.days[self.at + count]


def _at(world: Any, days_ago: int, hour: int) -> datetime.datetime:
    day = world.sg_days.ago(days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 10)))


def _log(world: Any, tutor: Any, pupil: Any, spec: tuple[str, str, str, str], days_ago: int) -> Any:
    category, location, seen, words = spec
    return services.concern_log(
        actor=tutor,
        pupil=pupil,
        category=category,
        location=location,
        seen_or_heard=seen,
        child_words=words,
        others_present="Teaching assistant",
        happened_at=_at(world, days_ago, 9),
        now=_at(world, days_ago, 10),
    )


def _decide(world: Any, dsl: Any, concern: Any, outcome: str, reason: str, days_ago: int) -> None:
    services.decision_record(
        actor=dsl, concern=concern, outcome=outcome, reason=reason, now=_at(world, days_ago, 14)
    )


def build(world: Any) -> None:
    tutor, dsl, deputy = (world.users.get(k) for k in ("tutor", "dsl", "deputy_dsl"))
    if not (tutor and dsl and deputy):
        return
    forget_access(tutor)
    pupils = list(visible_pupils(tutor).order_by("legal_last_name", "pk")[:4])
    if len(pupils) < 4:
        return
    world.sg_days = days = SchoolDays.around(pupils[0].organisation, world.today)
    concerns = [
        _log(world, tutor, p, spec, d) for p, spec, d in zip(pupils, CONCERNS, (14, 7, 3, 0), strict=True)
    ]
    _decide(
        world,
        dsl,
        concerns[0],
        Decision.Outcome.EARLY_HELP,
        "Food poverty and a young carer: early help assessment with mother's consent; no immediate risk.",
        13,
    )
    _decide(
        world,
        deputy,
        concerns[1],
        Decision.Outcome.POLICE,
        "Sextortion: reported to police (CEOP) the same "
        "day; parents informed by DSL; device not examined by staff.",
        7,
    )
    _decide(
        world,
        dsl,
        concerns[2],
        Decision.Outcome.SOCIAL_CARE,
        "Self-harm with suicidal ideation: referral "
        "to children's social care and CAMHS; safety plan agreed with the pupil.",
        2,
    )
    for concern, owner, text, due in [
        (concerns[0], dsl, "Complete the early help assessment with mother", 5),
        (concerns[1], deputy, "Check in with the pupil weekly for a month", 15),
        (concerns[2], dsl, "Chase the social care decision", 1),
    ]:
        services.action_add(
            actor=dsl,
            concern=concern,
            description=text,
            owner=owner,
            due_on=days.ahead(due),
        )
    services.status_set(
        actor=dsl,
        pupil=pupils[2],
        status=ProtectionStatus.Status.CHILD_IN_NEED,
        starts_on=days.ago(1),
        note="Strategy meeting held.",
    )
    services.entry_add(
        actor=dsl,
        pupil=pupils[2],
        kind=ChronologyEntry.Kind.CONTACT,
        occurred_on=days.ago(2),
        summary="Phoned the MASH; social worker allocated, visit tomorrow.",
    )
    from safeguarding.demo_more import build_more

    build_more(world, dsl, deputy, pupils, concerns)
