"""Demo data: three Pastoral Support Programmes at different stages for the main school's head of year."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from behaviour.models import BehaviourCategory, Incident, Suspension
from behaviour.services import incident_create, report_scores_record
from organisations import calendar
from organisations.models import Term
from support_plans import services
from support_plans.models import Meeting, Party, PlannedMeeting, Questionnaire, SupportPlan
from support_plans.services import arrangements, documents

W = datetime.timedelta(weeks=1)
ONE_DAY = datetime.timedelta(days=1)
# What a parent is called in a note of a phone call home (anyone else by their name).
HOME_WORD = {"Mother": "mum", "Father": "dad"}


def _target(
    specific: str,
    measure: str,
    baseline: str,
    due: datetime.date,
    step: int,
    support: str,
    by: str,
    parent: str = "Parent",
) -> dict[str, Any]:
    return {
        "specific": specific,
        "measure": measure,
        "baseline": baseline,
        "achievable": "Already managed on good days; agreed with the pupil as realistic",
        "result": "Stays in lessons, keeps up with work and avoids suspension",
        "due_on": due,
        "step": step,
        "support": support,
        "support_by": by,
        "support_by_detail": {"school": "Form tutor", "parent": parent, "agency": "CAMHS practitioner"}[by],
        "recognition": "Positive phone call home on Fridays; extra football session when the week's card is green",
    }


def _pupils(world: Any) -> list[Any]:
    from people.models import Pupil

    chosen = list(world.extra.get("behaviour_frequent", []))
    school = world.main_school
    hoy_year = 10
    if chosen:
        hoy_year = chosen[0].year_group
    extra = list(
        Pupil.objects.filter(organisation=school, year_group=hoy_year, left_on__isnull=True).order_by("pk")[
            :10
        ]
    )
    for p in extra:
        if p not in chosen:
            chosen.append(p)
    return [p for p in chosen if p.year_group == hoy_year][:3]


def build(world: Any) -> None:
    school = world.main_school
    hoy, senco, senior, dsl, tutor = (
        world.users.get(k) for k in ("head_of_year", "senco", "senior_leader", "dsl", "tutor")
    )
    if school is None or not all([hoy, senco, senior, dsl, tutor]):
        return
    pupils = _pupils(world)
    if len(pupils) < 3:
        return
    today = world.today
    _assessing(world, pupils[0], hoy, tutor, today)
    _under_review(world, pupils[1], hoy, tutor, dsl, today)
    _closed(world, pupils[2], senior, tutor, today)


def _staff_party(plan: SupportPlan, user: Any, role: str) -> Party:
    return services.party_save(
        actor=plan.coordinator,
        plan=plan,
        kind=Party.Kind.STAFF,
        name=user.full_name or user.email,
        role=role,
        email=user.email,
        user=user,
    )


def _assessing(world: Any, pupil: Any, hoy: Any, tutor: Any, today: datetime.date) -> None:
    opened = today - datetime.timedelta(days=5)
    _record_disruption(pupil, hoy, tutor, opened)
    plan = services.plan_open(
        today=today,
        actor=hoy,
        pupil=pupil,
        coordinator=hoy,
        opened_on=opened,
        reason=f"Persistent disruption and defiance: {_record_so_far(pupil, opened)}; at risk of permanent exclusion.",
        relation=SupportPlan.Relation.REPLACES_BEHAVIOUR_PLAN,
        relation_note="Replaces the head of year's behaviour plan of September",
    )
    _staff_party(plan, tutor, "Form tutor")
    _arrange(plan, hoy, Meeting.Kind.INITIAL, None, today, 3)
    services.party_save(
        actor=hoy,
        plan=plan,
        kind=Party.Kind.AGENCY,
        agency=Party.Agency.PRU,
        name="Outreach worker, Riverside PRU",
        role="PRU outreach",
    )
    services.plan_update(
        actor=hoy,
        plan=plan,
        pre_meeting_summary="Behaviour has worsened since October half term, mainly in afternoon lessons.",
        senco_comments="Reading age two years below; screening for dyslexia requested.",
        current_adjustments="Time-out card; seat near the door in science.",
    )
    pupil_q = services.questionnaire_create(
        actor=hoy,
        plan=plan,
        kind=Questionnaire.Kind.PUPIL_SECONDARY,
        respondent=pupil.display_name,
        party=plan.parties.get(kind=Party.Kind.PUPIL),
    )
    services.questionnaire_submit(
        questionnaire=pupil_q,
        source=Questionnaire.Source.PAPER,
        actor=hoy,
        answers={
            "strengths": "Football, fixing bikes",
            "triggers": "When teachers shout at me in front of everyone",
            "support": "Someone to talk to when I get angry",
            "reward": "Extra football",
        },
    )
    parent = plan.parties.filter(kind=Party.Kind.PARENT).first()
    if parent:
        services.questionnaire_create(
            actor=hoy, plan=plan, kind=Questionnaire.Kind.PARENT, respondent=parent.name, party=parent
        )
    services.assessments_save(
        actor=hoy,
        plan=plan,
        decisions={
            "learning": ("planned", "Literacy screening by the SENCO"),
            "mentor": ("planned", "Learning mentor, twice a week"),
            "peer_mentor": ("considered", "Discussed; evidence is weak, not pursued for now"),
        },
    )


def _start(
    world: Any, plan: SupportPlan, coordinator: Any, tutor: Any, held_on: datetime.date, targets: list[dict]
) -> None:
    for data in targets:
        services.target_add(actor=coordinator, plan=plan, **data)
    services.plan_update(
        actor=coordinator,
        plan=plan,
        rewards="Extra football session; a trip to the climbing wall at the weekend when the card is green all week",
        consequences="Missed break with the head of year; a further meeting with parents",
    )
    services.meeting_record(
        today=world.today,
        actor=coordinator,
        plan=plan,
        kind=Meeting.Kind.INITIAL,
        held_on=held_on,
        agenda="Assess, plan, do, review; agree targets; monitoring; review dates; signatures",
        summary="Targets agreed with the pupil and parent; daily report card with the form tutor.",
        attendees=list(plan.parties.all()),
    )
    for party in plan.parties.all():
        services.sign_targets(
            plan=plan, party=party, signed_name=party.name, method="on_screen", witnessed_by=coordinator
        )
    plan.refresh_from_db()
    services.monitoring_set(actor=coordinator, plan=plan, frequency=SupportPlan.Monitoring.DAILY, staff=tutor)


def _score_days(
    world: Any, plan: SupportPlan, tutor: Any, start: datetime.date, end: datetime.date, mean: float
) -> None:
    rng = world.rng
    card = plan.report_card
    assert card is not None, "monitoring_set gives the plan its report card before scores are recorded"
    for day in calendar.school_days_between(plan.organisation_id, start, min(end, card.ends_on)):
        for lesson in ("P1", "P3", "P5"):
            scores = {i: max(0, min(3, round(rng.gauss(mean, 0.8)))) for i in range(len(card.targets))}
            report_scores_record(actor=tutor, card=card, date=day, lesson=lesson, scores=scores)


def _under_review(world: Any, pupil: Any, hoy: Any, tutor: Any, dsl: Any, today: datetime.date) -> None:
    school = pupil.organisation_id
    # The initial meeting on the school day on or before eight weeks and two days ago, so that the 8-week review
    # falls this week; the plan opened a week of school before it, after a run of removals from lessons.
    start = calendar.school_days_before(school, today - 8 * W + datetime.timedelta(days=3), 1)
    opened = calendar.school_days_before(school, start, 5)
    _record_disruption(pupil, hoy, tutor, opened)
    plan = services.plan_open(
        today=today,
        actor=hoy,
        pupil=pupil,
        coordinator=hoy,
        opened_on=opened,
        reason=f"Persistent disruption in lessons: {_record_so_far(pupil, opened)}.",
        relation=SupportPlan.Relation.ALONGSIDE_SEN,
        relation_note=_sen_support(pupil),
    )
    # Its weeks run on over a holiday: the final meeting falls on a school day inside the programme.
    services.plan_update(actor=hoy, plan=plan, length_weeks=_weeks_to_a_school_day(plan, start))
    parent = plan.parties.filter(kind=Party.Kind.PARENT).first()
    parent_role = parent.role if parent else "Parent"
    _staff_party(plan, tutor, "Form tutor")
    services.party_save(
        actor=hoy,
        plan=plan,
        kind=Party.Kind.AGENCY,
        agency=Party.Agency.CAMHS,
        name="CAMHS practitioner",
        role="Weekly sessions",
    )
    _start(
        world,
        plan,
        hoy,
        tutor,
        start,
        _under_review_targets(start, parent_role),
    )
    plan.refresh_from_db()
    review_on = _due(plan, 4)
    _score_days(world, plan, tutor, start, review_on, 1.6)
    _four_week_review(world, plan, hoy, start, review_on, parent_role)
    _score_days(world, plan, tutor, review_on + ONE_DAY, today, 1.1)
    _arrangements(plan, hoy, tutor, today)


def _under_review_targets(start: datetime.date, parent_role: str) -> list[Any]:
    """The plan under review's two targets: walk-outs (the school's support) and lateness (the parent's)."""
    return [
        _target(
            "Stay in every lesson without walking out",
            "Walk-outs on the daily report card",
            "4 a week",
            start + 4 * W,
            1,
            "Time-out card and a calm space agreed with teachers",
            "school",
        ),
        _target(
            "Arrive at school by 8.40 every day",
            "Late marks in the register",
            "3 lates a week",
            start + 4 * W,
            1,
            "Morning routine agreed at home; alarm and lift on Mondays",
            "parent",
            parent_role,
        ),
    ]


def _four_week_review(
    world: Any, plan: Any, hoy: Any, start: datetime.date, review_on: datetime.date, parent_role: str
) -> None:
    """The 4-week review: the walk-outs target met and made more challenging, lateness partly met."""
    targets = list(plan.targets.all())
    services.meeting_record(
        today=world.today,
        actor=hoy,
        plan=plan,
        kind=Meeting.Kind.REVIEW,
        week=4,
        held_on=review_on,
        summary="Walk-outs down to one a week; lateness still a problem on Mondays.",
        commitments_review=(
            f"Tutor: daily card checked. {parent_role}: morning routine mostly kept. CAMHS: 3 sessions held."
        ),
        further_measures="Breakfast club on Mondays.",
        attendees=list(plan.parties.all()),
        progress={targets[0].pk: ("met", "1 walk-out a week"), targets[1].pk: ("partly", "2 lates a week")},
    )
    services.target_revise(
        actor=hoy,
        target=targets[0],
        reason="Met at the 4-week review: made more challenging",
        specific="Stay in every lesson and start the task within five minutes",
        baseline="1 walk-out a week",
        due_on=start + 8 * W,
        step=2,
    )


def _closed(world: Any, pupil: Any, senior: Any, tutor: Any, today: datetime.date) -> None:
    start = _twelve_school_weeks(pupil.organisation_id, today - 30 * W)
    plan = services.plan_open(
        today=today,
        actor=senior,
        pupil=pupil,
        coordinator=senior,
        opened_on=start - W,
        reason="Fighting at break and a suspension in the spring term.",
    )
    _staff_party(plan, tutor, "Form tutor")
    _start(
        world,
        plan,
        senior,
        tutor,
        start,
        [
            _target(
                "Walk away and find an adult when an argument starts",
                "Incidents of physical aggression",
                "2 a fortnight",
                start + 12 * W,
                1,
                "Learning mentor sessions on managing anger",
                "school",
            ),
        ],
    )
    plan.refresh_from_db()
    target = plan.targets.get()
    parties = list(plan.parties.all())
    for week in plan.review_points:
        services.meeting_record(
            today=world.today,
            actor=senior,
            plan=plan,
            kind=Meeting.Kind.REVIEW,
            week=week,
            held_on=_due(plan, week),
            summary="Good progress reported by all staff.",
            attendees=parties,
            commitments_review="All commitments kept.",
            progress={target.pk: ("met", "No incidents")},
        )
    services.meeting_record(
        today=world.today,
        actor=senior,
        plan=plan,
        kind=Meeting.Kind.FINAL,
        held_on=_due(plan, plan.length_weeks),
        summary="No aggression for twelve weeks; pupil proud of the change.",
        attendees=parties,
        progress={target.pk: ("met", "No incidents in 12 weeks")},
    )
    services.plan_close(
        actor=senior,
        plan=plan,
        outcome=SupportPlan.Outcome.SUCCESSFUL,
        evaluation="Target met and sustained; no suspensions during the programme.",
        continued_monitoring="Tutor checks in weekly; mentor sessions continue to the end of term.",
    )
    SupportPlan.objects.filter(pk=plan.pk).update(closed_on=_due(plan, plan.length_weeks))


def _due(plan: SupportPlan, week: int) -> datetime.date:
    """The school day a meeting `week` weeks into the plan is due (support_plans.selectors.review_schedule)."""
    assert plan.starts_on is not None, "due dates count from the initial meeting"
    day = plan.starts_on + week * W
    return calendar.next_school_day(plan.organisation_id, day - ONE_DAY, plan.pupil.site_id) or day


def _weeks_to_a_school_day(plan: SupportPlan, start: datetime.date) -> int:
    """The plan's length in weeks from `start`, lengthened past a holiday so that its last day is a school day (the
    day its final meeting is due): otherwise the programme "runs" to a day before the meeting that ends it."""
    school = calendar.calendar_for(plan.organisation_id, start, start + (plan.length_weeks + 12) * W)
    weeks = plan.length_weeks
    while weeks < plan.length_weeks + 12 and not school.is_school_day(start + weeks * W, plan.pupil.site_id):
        weeks += 1
    return weeks


def _twelve_school_weeks(school: int, start: datetime.date) -> datetime.date:
    """`start`, or the week before it, or the one before that…: the first whose initial meeting, reviews and final
    meeting (weeks 0, 4, 8 and 12) all fall on school days, so that a closed plan was never held in a holiday."""
    days = calendar.calendar_for(school, start - 20 * W, start + 12 * W)
    for back in range(20):
        day = start - back * W
        if all(days.is_school_day(day + week * W) for week in (0, 4, 8, 12)):
            return day
    return start


def _record_disruption(pupil: Any, recorder: Any, teacher: Any, before: datetime.date) -> None:
    """The removals from lessons in the three weeks before a plan opened that led to it, in the behaviour log (the
    behaviour builder's random incidents may have passed the pupil by)."""
    category = BehaviourCategory.objects.filter(
        organisation_id=pupil.organisation_id, code="disruption"
    ).first()
    if category is None:
        return
    days = calendar.school_days_between(pupil.organisation_id, before - 3 * W, before - ONE_DAY)
    lessons = ["P2 Maths", "P5 Science", "P3 English", "P6 History"]
    for n, day in enumerate(days[:: max(1, len(days) // 4)][:4]):
        incident_create(
            actor=recorder,
            organisation=pupil.organisation,
            pupils=[pupil],
            kind=Incident.Kind.NEGATIVE,
            category=category,
            severity=2,
            occurred_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10 + n, 20))),
            place="classroom",
            lesson=lessons[n],
            staff=teacher,
            description="Talking over the teacher and distracting others; refused to move seats",
            actions="Removed to the on-call room; parents phoned",
            parents_contacted=True,
            parents_contacted_how="Phone call",
        )


def _record_so_far(pupil: Any, before: datetime.date) -> str:
    """What the behaviour log and the suspensions say about the pupil this term, up to the day before `before`."""
    term = Term.objects.filter(
        organisation_id=pupil.organisation_id, starts_on__lte=before, ends_on__gte=before
    ).first()
    since = term.starts_on if term else before - 13 * W
    incidents = Incident.objects.filter(
        links__pupil=pupil,
        kind=Incident.Kind.NEGATIVE,
        occurred_at__date__gte=since,
        occurred_at__date__lt=before,
    ).count()
    said = f"{incidents} incident{'' if incidents == 1 else 's'} in the behaviour log this term"
    suspensions = list(Suspension.objects.filter(pupil=pupil, starts_on__gte=since, starts_on__lt=before))
    if len(suspensions) == 1:
        said += f" and a suspension ({suspensions[0].get_reason_display().lower()})"
    elif suspensions:
        said += f" and {len(suspensions)} suspensions"
    return said


def _sen_support(pupil: Any) -> str:
    """The note on the SEN plan a PSP runs alongside; a pupil with no SEN recorded is given SEN support (SEMH), as
    the plan says they have."""
    from people.models import Pupil

    if pupil.sen_status == Pupil.SenStatus.NONE:
        pupil.sen_status = Pupil.SenStatus.SUPPORT
        Pupil.objects.filter(pk=pupil.pk).update(sen_status=pupil.sen_status)
    if pupil.sen_status == Pupil.SenStatus.EHCP:
        return "EHC plan: social, emotional and mental health"
    return "SEN support plan for SEMH"


def _arrange(
    plan: SupportPlan, coordinator: Any, kind: str, week: int | None, today: datetime.date, days: int
) -> PlannedMeeting:
    """A meeting arranged for 15:30 in Meeting room 2 on the first weekday `days` or more after `today`."""
    day = today + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 30)))
    return arrangements.meeting_schedule(
        actor=coordinator,
        plan=plan,
        kind=kind,
        week=week,
        starts_at=starts_at,
        place="Meeting room 2",
        now=_now(today),
    )


def _now(today: datetime.date) -> datetime.datetime:
    """The demo world's clock: the morning of the day it is built for."""
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time(8, 0)))


def _arrangements(plan: SupportPlan, hoy: Any, tutor: Any, today: datetime.date) -> None:
    """The plan under review: its 8-week review arranged and the invitations sent, a home–school contact log, a
    Communication Passport and the between-reviews checklist (one action done, one overdue, one to come)."""
    planned = _arrange(plan, hoy, Meeting.Kind.REVIEW, 8, today, 2)
    arrangements.invitations_send(actor=hoy, planned=planned, now=_now(today))
    parent = plan.parties.filter(kind=Party.Kind.PARENT).first()
    with_whom = f"{parent.name} ({parent.role})" if parent else "Parent"
    # The notes name the parent the log says the contact was with.
    who = (HOME_WORD.get(parent.role) or parent.name) if parent else "the family"
    for days_ago, method, direction, summary in (
        (20, "phone", "to_home", f"Told {who} about the good week; agreed breakfast club on Mondays."),
        (
            6,
            "email",
            "from_home",
            f"{who} asked about the CAMHS appointment time; passed to the practitioner.",
        ),
        (2, "phone", "to_home", f"Card dipped this week; {who} will talk about Monday mornings at home."),
    ):
        summary = summary[0].upper() + summary[1:]
        arrangements.home_contact_record(
            actor=hoy,
            plan=plan,
            # The school day on or before: calls home are made in the working week.
            occurred_on=calendar.school_days_before(
                plan.organisation_id, today - datetime.timedelta(days=days_ago - 1), 1
            ),
            direction=direction,
            method=method,
            with_whom=with_whom,
            summary=summary,
            today=today,
        )
    documents.passport_save(
        actor=hoy,
        plan=plan,
        how_i_communicate="I go quiet when I am upset; I may say 'fine' when I am not.",
        what_helps="A quiet word, not in front of the class. Time to calm down before we talk. Clear first steps.",
        what_does_not_help="Being shouted at or told off in front of everyone. Being rushed for an answer.",
        who_to_talk_to="My form tutor, or the head of year at break.",
    )
    _checklist(plan, hoy, tutor, today)


def _checklist(plan: SupportPlan, hoy: Any, tutor: Any, today: datetime.date) -> None:
    """Two actions agreed a fortnight ago (one done, one now overdue) and one agreed today."""
    agreed = today - 2 * W
    done = documents.action_add(
        actor=hoy,
        plan=plan,
        description="Share the time-out card with every teacher",
        owner=tutor,
        due_on=agreed + datetime.timedelta(days=4),
        today=agreed,
    )
    documents.action_done(actor=tutor, action=done, done_on=agreed + datetime.timedelta(days=2))
    documents.action_add(
        actor=hoy,
        plan=plan,
        description="Book the Monday breakfast club place",
        owner=hoy,
        due_on=today - datetime.timedelta(days=3),
        today=agreed,
    )
    documents.action_add(
        actor=hoy,
        plan=plan,
        description="Ask CAMHS for a note for the 8-week review",
        owner=hoy,
        due_on=today + datetime.timedelta(days=1),
        today=today,
    )
