"""Demo data for referrals, a transfer in progress, a past safety-net meeting and a DSO (issue 13, item 9): a
referral waiting on CAMHS, an overdue social-care response, the file sent to another school and not yet receipted,
and a safety-net meeting with actions, one carried to the next meeting."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from access.models import RoleAssignment
from access.permissions import forget_access
from access.roles import Role
from safeguarding import services
from safeguarding.models import Agency
from safeguarding.services import meetings, transfers

AGENCIES = [
    (
        "CAMHS (Child and Adolescent Mental Health)",
        "camhs",
        "ack",
        10,
        False,
        "0300 555 0101 · camhs.spa@nhs.example",
    ),
    (
        "Children's Services front door (MASH)",
        "social_care",
        "decision",
        1,
        True,
        "0300 555 0202 · mash@council.example",
    ),
    ("Early Help Hub", "early_help", "decision", 10, True, "earlyhelp@council.example"),
    ("School nursing team", "school_nurse", "ack", 5, True, "schoolnurse@nhs.example"),
    ("Police (safeguarding hub)", "police", "decision", 1, True, "101 · safeguarding.hub@police.example"),
    ("Kooth / school counselling", "counselling", "ack", 5, True, "counselling@school.example"),
]


def _agencies(organisation: Any) -> dict[str, Agency]:
    made = {}
    for name, kind, awaits, days, working, contact in AGENCIES:
        made[kind] = Agency.objects.create(
            organisation=organisation,
            name=name,
            kind=kind,
            awaits=awaits,
            response_days=days,
            working_days=working,
            contact=contact,
        )
    return made


def _referrals(
    world: Any, dsl: Any, pupils: list[Any], concerns: list[Any], agencies: dict[str, Agency]
) -> None:
    days = world.sg_days
    camhs = services.referral_create(
        actor=dsl,
        pupil=pupils[2],
        agency=agencies["camhs"],
        concern=concerns[2],
        reason="Self-harm and low mood; safety plan in place; needs a specialist assessment.",
        consent="given",
        consent_note="Pupil and mother agreed.",
        made_on=days.ago(2),
    )
    services.referral_update(
        actor=dsl,
        referral=camhs,
        status="acknowledged",
        on=days.ago(1),
        reference="SPA-4471",
    )
    services.referral_update(
        actor=dsl,
        referral=camhs,
        status="waiting",
        on=days.ago(0),
        note="Triaged as routine: waiting list about 6 weeks.",
    )
    services.referral_create(
        actor=dsl,
        pupil=pupils[2],
        agency=agencies["social_care"],
        concern=concerns[2],
        reason="Suicidal ideation and a disclosure about home; strategy discussion requested.",
        consent="not_needed",
        consent_note="Risk of significant harm.",
        made_on=days.ago(4),
    )


def _transfer(world: Any, dsl: Any, pupil: Any) -> None:
    transfers.transfer_send(
        actor=dsl,
        pupil=pupil,
        to_school="Hillside Academy",
        to_name="Harriet Hill (DSL)",
        to_email="dsl@hillside.example",
        now=timezone.make_aware(datetime.datetime.combine(world.sg_days.ago(7), datetime.time(11))),
    )


def _meeting(world: Any, dsl: Any, deputy: Any, pupils: list[Any]) -> None:
    school, days = pupils[0].organisation, world.sg_days
    past = meetings.meeting_schedule(actor=dsl, organisation=school, area="Whole school", on=days.ago(10))
    for name, role in ((dsl.full_name, "DSL"), (deputy.full_name, "Deputy DSL"), ("School nurse", "NHS")):
        meetings.attendance_record(actor=dsl, meeting=past, name=name, role=role)
    meetings.minute_add(
        actor=dsl,
        meeting=past,
        pupil=pupils[0],
        text="Early help assessment under way; food bank referral made.",
    )
    done = meetings.meeting_action_add(
        actor=dsl,
        meeting=past,
        pupil=pupils[0],
        description="Breakfast club place",
        owner=deputy,
        due_on=days.ago(7),
    )
    meetings.meeting_action_done(actor=dsl, action=done, done_on=days.ago(8), note="Place from Monday.")
    meetings.meeting_action_add(
        actor=dsl,
        meeting=past,
        pupil=pupils[1],
        description="Online safety session with parents",
        owner=deputy,
        due_on=days.ago(2),
    )
    meetings.meeting_schedule(actor=dsl, organisation=school, area="Whole school", on=days.ahead(5))


def _dso(world: Any) -> None:
    """The PAL acts as DSO for their caseload: a deputy DSL role narrowed to each of their groups."""
    pal = world.users.get("pal")
    if pal is None:
        return
    for grant in RoleAssignment.objects.filter(user=pal, role=Role.PAL).exclude(group=None):
        RoleAssignment.objects.create(
            organisation_id=grant.organisation_id,
            user=pal,
            role=Role.DEPUTY_DSL,
            group_id=grant.group_id,
            starts_on=grant.starts_on,
        )
    forget_access(pal)


def build_more(world: Any, dsl: Any, deputy: Any, pupils: list[Any], concerns: list[Any]) -> None:
    agencies = _agencies(pupils[0].organisation)
    _referrals(world, dsl, pupils, concerns, agencies)
    _transfer(world, dsl, pupils[3])
    _meeting(world, dsl, deputy, pupils)
    _dso(world)
    from safeguarding.demo_received import build as received_file

    received_file(world, dsl, pupils[0])
