"""Demo data for caseloads: the college PAL's tutorial programme, group sessions since September (delivered with
who attended, a few missed, the rest planned to the entitlement) and Learning and Progress Reviews (signed off for
closed windows, some in progress now) with SMART targets, progress on earlier ones and agreed actions.

Deterministic (`world.rng`, `world.today`); written in bulk (a caseload is hundreds of students)."""

from __future__ import annotations

import bisect
import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from attendance.models import AttendanceMark
from caseloads.models import (
    GroupSession,
    LearningTarget,
    Review,
    ReviewAction,
    SessionAttendance,
    TargetProgress,
    Topic,
)
from caseloads.services import windows_for
from organisations import calendar
from organisations.models import Term
from people.models import Group, GroupMembership

TOPICS = {
    1: ["Study skills: planning your week", "Wellbeing: sleep and stress", "Equality and diversity"],
    2: ["Progression: choosing your next step", "Employability: CVs and applications", "Online safety"],
    3: ["Progression Week: meeting employers", "Employability Seal: interview practice", "Exam preparation"],
}
TARGETS = [
    (
        "Arrive before 8:45 for every session",
        "Late marks on the register",
        "Late to {n} sessions last period",
    ),
    (
        "Hand in every assignment by its deadline",
        "Assignments on time in the tracker",
        "{n} assignments late",
    ),
    ("Attend every session unless ill", "Attendance percentage", "{n} sessions missed last period"),
    ("Complete two Progression Passport items", "Passport items signed off", "{n} items done so far"),
]
VOICES = [
    "The bus is the hard part in the mornings.",
    "I enjoy the practical sessions most.",
    "I want to get onto the level 3 course next year.",
    "Deadlines bunch up at the end of term.",
]


def build(world: Any) -> None:
    pal = world.users.get("pal")
    if pal is None:
        return
    assignments = list(
        RoleAssignment.objects.filter(user=pal, role=Role.PAL, group__isnull=False).select_related("group")
    )
    if not assignments:
        return
    school = assignments[0].organisation
    groups = [a.group for a in assignments if a.group is not None]
    days = school_days(world, school)
    topics = _programme(world, school)
    _sessions(world, school, pal, groups, topics, days)
    _reviews(world, school, pal, groups, days)
    from caseloads import demo_pal

    demo_pal.build(
        world,
        school,
        pal,
        sorted({p for ids in _members([g.pk for g in groups], world.today).values() for p in ids}),
        days,
    )


def school_days(world: Any, school: Any) -> list[datetime.date]:
    """The college's school days (`organisations.calendar`) from the start of the academic year to 120 days after
    its end, in order: every date the caseload demo sets is one of them, those set ahead (a target's) included."""
    year = world.academic_year
    ahead = year.ends_on + datetime.timedelta(days=120)
    return calendar.calendar_for(school, year.starts_on, ahead).school_days()


def on_or_after(days: list[datetime.date], day: datetime.date) -> datetime.date:
    """The first of the school `days` on or after `day` (a follow-up due in a holiday is due when school is back)."""
    at = bisect.bisect_left(days, day)
    return days[at] if at < len(days) else day


def _programme(world: Any, school: Any) -> list[Topic]:
    return Topic.objects.bulk_create(
        Topic(organisation=school, academic_year=world.academic_year, term=term, title=title)
        for term, titles in TOPICS.items()
        for title in titles
    )


# Sessions a group has each term (eight in the year, as the entitlement asks), and the term's number in the
# tutorial programme (`caseloads.models.Term`).
SESSIONS_PER_TERM = {"autumn": 3, "spring": 3, "summer": 2}
TERM_NUMBER = {"autumn": 1, "spring": 2, "summer": 3}


def _term_days(
    world: Any, school: Any, open_days: list[datetime.date]
) -> list[tuple[int, int, list[datetime.date]]]:
    """(term number, sessions in it, its school days) for each term of the college's year, in order: never a
    weekend, a holiday, a half term or a training day."""
    year = world.academic_year
    return [
        (
            TERM_NUMBER[term.kind],
            SESSIONS_PER_TERM[term.kind],
            [d for d in open_days if term.starts_on <= d <= term.ends_on],
        )
        for term in Term.objects.filter(organisation=school, academic_year=year).order_by("starts_on")
    ]


def _session_days(
    term_days: list[tuple[int, int, list[datetime.date]]], index: int
) -> list[tuple[datetime.date, int, int]]:
    """One group's sessions: (day, term number, session of the term), spread evenly through each term, each group
    a few school days from the next so that the PAL's week is not all on one day."""
    days = []
    for term, count, open_days in term_days:
        for k in range(count if open_days else 0):
            at = (2 * k + 1) * len(open_days) // (2 * count) + index % 5 - 2
            days.append((open_days[max(0, min(at, len(open_days) - 1))], term, k))
    return days


def _sessions(
    world: Any, school: Any, pal: Any, groups: list[Group], topics: list[Topic], days: list[datetime.date]
) -> None:
    by_term: dict[int, list[Topic]] = {}
    for topic in topics:
        by_term.setdefault(topic.term, []).append(topic)
    term_days = _term_days(world, school, days)
    rows = []
    for index, group in enumerate(groups):
        for day, term, k in _session_days(term_days, index):
            topic = by_term[term][k % len(by_term[term])]  # the term's topics in order, one a session
            past = day < world.today
            missed = past and world.rng.random() < 0.08
            rows.append(
                GroupSession(
                    organisation=school,
                    academic_year=world.academic_year,
                    group=group,
                    lead=pal,
                    topic=topic,
                    date=day,
                    starts_at=datetime.time(9 + index % 6, 0),
                    ends_at=datetime.time(10 + index % 6, 0),
                    room=f"T{100 + index}",
                    status=GroupSession.Status.DELIVERED
                    if past and not missed
                    else GroupSession.Status.PLANNED,
                    notes="Worked in pairs; good discussion." if past and not missed else "",
                    delivered_at=_at(day) if past and not missed else None,
                )
            )
    sessions = GroupSession.objects.bulk_create(rows)
    _attendance(world, school, [s for s in sessions if s.status == GroupSession.Status.DELIVERED])


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(11, 0), tzinfo=timezone.get_current_timezone())


def _members(group_ids: list[int], on: datetime.date) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for gid, pid in (
        GroupMembership.objects.current(on).filter(group_id__in=group_ids).values_list("group_id", "pupil_id")
    ):
        out.setdefault(gid, []).append(pid)
    return out


def _attendance(world: Any, school: Any, sessions: list[GroupSession]) -> None:
    members = _members(list({s.group_id for s in sessions}), world.today)
    SessionAttendance.objects.bulk_create(
        (
            SessionAttendance(organisation=school, session=s, pupil_id=pid, attended=world.rng.random() < 0.9)
            for s in sessions
            for pid in members.get(s.group_id, [])
        ),
        batch_size=2000,
    )


def _figures(school: Any, pupil_ids: list[int], start: datetime.date, end: datetime.date) -> dict[int, Any]:
    """Attendance and lateness per student for a period, one query (what review_start freezes one at a time)."""
    rows = (
        AttendanceMark.objects.filter(
            organisation=school, pupil_id__in=pupil_ids, date__gte=start, date__lte=end
        )
        .values("pupil_id")
        .annotate(
            possible=Count("id", filter=Q(category__lte=4)),
            attended=Count("id", filter=Q(category__lte=2)),
            late=Count("id", filter=Q(code__in=("L", "U"))),
        )
        .order_by()
    )
    return {r["pupil_id"]: r for r in rows}


def _reviews(world: Any, school: Any, pal: Any, groups: list[Group], days: list[datetime.date]) -> None:
    windows = [w for w in windows_for(school, world.academic_year) if w.opens_on <= world.today]
    members = _members([g.pk for g in groups], world.today)
    pupil_ids = [p for ids in members.values() for p in ids]
    made: list[Review] = []
    for window in windows:
        closed = window.closes_on < world.today
        end = min(window.closes_on, world.today)
        open_days = [d for d in days if window.opens_on <= d <= end]
        figures = _figures(school, pupil_ids, window.opens_on, end)
        for pid in pupil_ids:
            roll = world.rng.random()
            if roll > (0.92 if closed else 0.55) or not open_days:
                continue  # not done (overdue for a closed window, due for the open one)
            held = world.rng.choice(open_days)
            made.append(
                _review(world, school, pal, pid, window, held, figures.get(pid), signed=closed or roll < 0.4)
            )
    reviews = Review.objects.bulk_create(made, batch_size=1000)
    _targets(world, school, reviews, days)


def _review(
    world: Any, school: Any, pal: Any, pid: int, window: Any, held: datetime.date, fig: Any, signed: bool
) -> Review:
    rate = (
        Decimal(str(round(fig["attended"] * 100 / fig["possible"], 1))) if fig and fig["possible"] else None
    )
    risk = world.rng.choices(["low", "medium", "high"], weights=[75, 18, 7])[0]
    return Review(
        organisation=school,
        pupil_id=pid,
        window=window,
        reviewer=pal,
        held_on=held,
        period_start=window.opens_on,
        possible_sessions=fig["possible"] if fig else 0,
        attended_sessions=fig["attended"] if fig else 0,
        late_sessions=fig["late"] if fig else 0,
        attendance_rate=rate,
        behaviour={
            "negative": 0,
            "positive": world.rng.randint(0, 4),
            "serious": 0,
            "suspensions": 0,
            "internal": 0,
        },
        student_voice=world.rng.choice(VOICES),
        comment="Settled well; keep the focus on punctuality.",
        risk=risk,
        signed_off_at=_at(held) if signed else None,
        signed_off_by=pal if signed else None,
    )


def _targets(world: Any, school: Any, reviews: list[Review], days: list[datetime.date]) -> None:
    targets = []
    for review in reviews:
        for specific, measure, baseline in world.rng.sample(TARGETS, 2):
            targets.append(
                LearningTarget(
                    organisation=school,
                    pupil_id=review.pupil_id,
                    review=review,
                    specific=specific,
                    measure=measure,
                    baseline=baseline.format(n=world.rng.randint(1, 6)),
                    achievable="Agreed with the student; support from the course tutor.",
                    result="Stays on track to complete the course.",
                    due_on=on_or_after(days, review.window.closes_on + datetime.timedelta(days=60)),
                )
            )
    LearningTarget.objects.bulk_create(targets, batch_size=2000)
    ReviewAction.objects.bulk_create(
        (
            ReviewAction(
                organisation=school,
                review=r,
                action="Check in after two weeks",
                owner="PAL",
                due_on=on_or_after(days, r.held_on + datetime.timedelta(days=14)),
            )
            for r in reviews
        ),
        batch_size=2000,
    )
    _progress(world, school, reviews, targets)


def _progress(world: Any, school: Any, reviews: list[Review], targets: list[LearningTarget]) -> None:
    """At each student's later review, progress on the targets set at their earlier one."""
    by_pupil: dict[int, list[Review]] = {}
    for r in reviews:
        by_pupil.setdefault(r.pupil_id, []).append(r)
    set_at: dict[int, list[LearningTarget]] = {}
    for t in targets:
        set_at.setdefault(t.review_id, []).append(t)
    rows = []
    for pupil_reviews in by_pupil.values():
        pupil_reviews.sort(key=lambda r: r.window.number)
        for earlier, later in zip(pupil_reviews, pupil_reviews[1:], strict=False):
            for t in set_at.get(earlier.pk, []):
                rating = world.rng.choices(["met", "partly", "not_met"], weights=[55, 30, 15])[0]
                rows.append(TargetProgress(organisation=school, review=later, target=t, rating=rating))
    TargetProgress.objects.bulk_create(rows, batch_size=2000)
