"""Demo data for the rest of the PAL's year: coaching sessions, a few listening notes, two stage-one meetings, the
college's two passports (the Progression Passport and the Employability Seal) with items done and their evidence,
and progression targets and destinations. Deterministic (`world.rng`), written in bulk."""

from __future__ import annotations

import datetime
from typing import Any

from caseloads.demo import on_or_after
from caseloads.models import (
    CoachingSession,
    ListeningNote,
    Passport,
    PassportCompletion,
    PassportItem,
    Progression,
    StageOneMeeting,
)

PASSPORTS = {
    "Progression Passport": [
        "Careers interview held",
        "Progression plan written",
        "Open day or taster attended",
        "Application made",
        "Progression Week activity",
    ],
    "Employability Seal": [
        "CV written and checked",
        "Mock interview",
        "Work experience completed",
        "Employer talk attended",
    ],
}
EVIDENCE = [
    "Seen by the PAL",
    "Certificate on file",
    "Signed off by the course tutor",
    "Photo in the portfolio",
]
OUTCOMES = {
    "attendance": "Agreed to text the PAL before 9 when ill.",
    "punctuality": "Will take the earlier bus; a friend meets them at the stop.",
    "attitude": "Named two lessons to contribute more in.",
    "study": "Made a weekly plan for assignments.",
    "employability": "Drafted a CV to finish at home.",
    "behaviour": "Talked through the incident; agreed a fresh start.",
    "retention": "Still keen on the course; talked about the extra support on offer.",
}
DESTINATIONS = [
    "Level 3 on the same course here",
    "An apprenticeship",
    "University",
    "Employment",
    "Level 3 elsewhere",
]


def build(world: Any, school: Any, pal: Any, pupil_ids: list[int], days: list[datetime.date]) -> None:
    """`days`: the college's school days (`caseloads.demo.school_days`); every date set here is one of them."""
    if not pupil_ids:
        return
    _passports(world, school, pal, pupil_ids, days)
    _progression(world, school, pal, pupil_ids)
    if not _held_days(world, days):
        return  # no school day yet this year: nothing held
    _coaching(world, school, pal, pupil_ids, days)
    _notes(world, school, pal, pupil_ids, days)
    _stage_one(world, school, pal, pupil_ids, days)


def _held_days(world: Any, days: list[datetime.date]) -> list[datetime.date]:
    """The school days something may have been held on: from the year's second week to yesterday."""
    start = world.academic_year.starts_on + datetime.timedelta(days=7)
    return [d for d in days if start <= d < world.today]


def _passports(world: Any, school: Any, pal: Any, pupil_ids: list[int], days: list[datetime.date]) -> None:
    past = _held_days(world, days)
    items: list[PassportItem] = []
    for name, titles in PASSPORTS.items():
        passport = Passport.objects.create(organisation=school, name=name)
        items += PassportItem.objects.bulk_create(
            PassportItem(organisation=school, passport=passport, title=t, position=n)
            for n, t in enumerate(titles)
        )
    rows = []
    for pid in pupil_ids:
        for item in items:
            if past and world.rng.random() < 0.3 + 0.1 * (item.position < 2):
                rows.append(
                    PassportCompletion(
                        organisation=school,
                        item=item,
                        pupil_id=pid,
                        completed_on=world.rng.choice(past),
                        evidence=world.rng.choice(EVIDENCE),
                        recorded_by=pal,
                    )
                )
    PassportCompletion.objects.bulk_create(rows, batch_size=2000)


def _progression(world: Any, school: Any, pal: Any, pupil_ids: list[int]) -> None:
    rows = []
    for pid in pupil_ids:
        roll = world.rng.random()
        if roll > 0.6:
            continue
        rows.append(
            Progression(
                organisation=school,
                pupil_id=pid,
                targets="Research two options and visit one before Easter.",
                destination=world.rng.choice(DESTINATIONS),
                destination_status="confirmed" if roll < 0.1 else "intended",
                updated_by=pal,
            )
        )
    Progression.objects.bulk_create(rows, batch_size=2000)


def _coaching(world: Any, school: Any, pal: Any, pupil_ids: list[int], days: list[datetime.date]) -> None:
    past = _held_days(world, days)
    rows = []
    for pid in pupil_ids:
        for _ in range(world.rng.choices([0, 1, 2], weights=[55, 35, 10])[0]):
            focus = world.rng.choice(list(OUTCOMES))
            held = world.rng.choice(past)
            rows.append(
                CoachingSession(
                    organisation=school,
                    pupil_id=pid,
                    coach=pal,
                    held_on=held,
                    focus=focus,
                    notes="One-to-one in the PAL office.",
                    outcome=OUTCOMES[focus],
                    next_step="Check in after two weeks",
                    next_on=on_or_after(days, held + datetime.timedelta(days=14)),
                )
            )
    CoachingSession.objects.bulk_create(rows, batch_size=2000)


def _notes(world: Any, school: Any, pal: Any, pupil_ids: list[int], days: list[datetime.date]) -> None:
    past = _held_days(world, days)
    said = [
        "Things are hard at home at the moment and I'm not sleeping.",
        "I'm worried about money; I might need to get a job.",
        "Some people in the group keep messaging me at night.",
    ]
    ListeningNote.objects.bulk_create(
        ListeningNote(
            organisation=school,
            pupil_id=pid,
            written_by=pal,
            heard_on=world.rng.choice(past),
            said=text,
            guidance="Listened; talked about the counselling service.",
        )
        for pid, text in zip(world.rng.sample(pupil_ids, min(3, len(pupil_ids))), said, strict=False)
    )


def _stage_one(world: Any, school: Any, pal: Any, pupil_ids: list[int], days: list[datetime.date]) -> None:
    past = _held_days(world, days)
    first, *rest = world.rng.sample(pupil_ids, min(2, len(pupil_ids)))
    held = world.rng.choice(past)
    StageOneMeeting.objects.create(
        organisation=school,
        pupil_id=first,
        raised_from=StageOneMeeting.Source.ATTENDANCE,
        held_on=held,
        concern="Attendance below 85% this half term, with unexplained absences.",
        parent_invited=True,
        parent_attended=True,
        chaired_by=pal,
        outcome=StageOneMeeting.Outcome.TARGETS,
        targets="Attend every session for four weeks; phone in before 9 when ill.",
        review_on=on_or_after(days, held + datetime.timedelta(days=28)),
    )
    for pid in rest:
        StageOneMeeting.objects.create(
            organisation=school,
            pupil_id=pid,
            raised_from=StageOneMeeting.Source.DIRECT,
            held_on=world.rng.choice(past),
            concern="Repeated lateness to the first lesson.",
            chaired_by=pal,
            outcome=StageOneMeeting.Outcome.NO_FURTHER_ACTION,
        )
