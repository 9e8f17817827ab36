"""Demo attendance: a year to date of marks for the main school and the colleges, with realistic patterns.
Bulk-written."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from attendance import rollup
from attendance.codes import category_of
from attendance.models import (
    AttendanceMark,
    AttendanceSettings,
    ContactLog,
    EscalationStage,
    LetterTemplate,
    Register,
)
from organisations import calendar
from organisations.models import Organisation
from people.models import Group, GroupMembership

LETTER_1 = """Dear $contact_name,

$pupil_name's attendance at $school_name between $start and $end was $attendance_rate.

Regular attendance matters. Please contact the attendance office if there is anything we can do to help.

Yours sincerely,
The Attendance Office"""

LETTER_2 = """Dear $contact_name,

$pupil_name's absence between $start and $end was $absence_rate, which is persistent absence (10% or more).

We would like to meet you to agree how we can support $pupil_name's attendance. Please call the attendance office to arrange a time.

Yours sincerely,
The Attendance Office"""


def _profile(rng: Any) -> float:
    roll = rng.random()
    if roll < 0.78:
        return rng.uniform(0.0, 0.06)
    if roll < 0.92:
        return rng.uniform(0.10, 0.22)
    if roll < 0.975:
        return rng.uniform(0.22, 0.45)
    return rng.uniform(0.5, 0.75)


def _absence_code(rng: Any) -> str:
    return rng.choices(["I", "M", "G", "O", "N", "C", "R", "E"], weights=[55, 12, 10, 8, 6, 4, 3, 2])[0]


def build_attendance(world: Any) -> None:
    """Marks for `world.main_school`'s pupils and for each college's students (their courses' registers), 1 September
    (or term start) to `world.today`, school days only. The colleges' come from a random stream of their own, so
    the main school's marks, and everything later builders draw, are what they were without them."""
    school = world.main_school
    if school is None:
        return
    _escalation_stages(school)
    marks, propensity, now = _build_marks(world, school, Group.Kind.TUTOR, world.rng)
    with transaction.atomic():
        _calls_home(world, sorted(propensity, key=lambda pid: -propensity[pid])[:5], now)
    colleges = [s for s in world.schools if s.kind == Organisation.Kind.COLLEGE]
    stream = random.Random(hash(world.rng.getstate()))  # the state's integers: the same in every process
    for college in colleges:
        AttendanceSettings.objects.get_or_create(organisation=college)
        marks += _build_marks(world, college, Group.Kind.COURSE, stream)[0]
    world.extra["attendance_marks"] = marks


def _build_marks(
    world: Any, school: Any, kind: str, rng: random.Random
) -> tuple[int, dict[int, float], datetime.datetime]:
    """Registers and marks for `school`'s groups of `kind` (its register groups), and the roll-up rebuilt from them.
    Returns how many marks, each pupil's chance of being absent from a session, and the time they were recorded."""
    today = world.today
    start = max(world.academic_year.starts_on, today - datetime.timedelta(days=400))
    days = calendar.school_days_between(school, start, today)
    groups = list(Group.objects.filter(organisation=school, kind=kind))
    pupils_by_group = _tutor_group_pupils(groups)
    propensity: dict[int, float] = {}  # each pupil's chance of being absent from a session
    for gid in sorted(pupils_by_group):
        for pid, _, _ in sorted(pupils_by_group[gid]):
            if pid not in propensity:
                propensity[pid] = _profile(rng)
    now = timezone.now()
    registers, marks = _registers_and_marks(
        world, school, rng, groups, pupils_by_group, propensity, (days, start), now
    )
    # A pupil in two register groups would get two marks; keep the first.
    unique: dict[tuple[int, datetime.date, str], AttendanceMark] = {}
    for m in marks:
        unique.setdefault((m.pupil_id, m.date, m.session), m)
    with transaction.atomic():
        Register.objects.bulk_create(registers, batch_size=2000, ignore_conflicts=True)
        AttendanceMark.objects.bulk_create(list(unique.values()), batch_size=5000)
        rollup.rebuild(organisation_ids=[school.pk])
    return len(unique), propensity, now


def _escalation_stages(school: Any) -> None:
    """The school's attendance settings, two letter templates and four escalation stages."""
    AttendanceSettings.objects.get_or_create(organisation=school)
    t1 = LetterTemplate.objects.create(organisation=school, name="Attendance concern", body=LETTER_1)
    t2 = LetterTemplate.objects.create(
        organisation=school, name="Persistent absence: invitation to meet", body=LETTER_2
    )
    for order, (name, desc, template) in enumerate(
        [
            ("Letter home", "A letter about the pupil's attendance.", t1),
            ("Attendance meeting", "Meeting with parents, the tutor and the attendance officer.", t2),
            ("Attendance plan", "A written plan reviewed every four weeks.", None),
            ("Referral to the local authority", "Referral when the plan has not worked.", None),
        ],
        start=1,
    ):
        EscalationStage.objects.create(
            organisation=school, order=order, name=name, description=desc, letter_template=template
        )


def _tutor_group_pupils(
    groups: list[Group],
) -> dict[int, list[tuple[int, datetime.date, datetime.date | None]]]:
    """Each tutor group's pupils, with when they joined and left it."""
    pupils_by_group: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = {}
    for gid, pid, s, e in GroupMembership.objects.filter(group__in=groups).values_list(
        "group_id", "pupil_id", "starts_on", "ends_on"
    ):
        pupils_by_group.setdefault(gid, []).append((pid, s, e))
    return pupils_by_group


def _mark_code(
    rng: Any, propensity: float, session: str, day: datetime.date, recent_cutoff: Any
) -> tuple[str, Any]:
    """A pupil's mark for one session: present, absent by the pupil's propensity, sometimes late or off site."""
    code, minutes = ("/" if session == "AM" else "\\"), None
    if rng.random() < propensity:
        code = _absence_code(rng)
        if code == "N" and day < recent_cutoff and rng.random() < 0.85:
            code = "I"  # most N marks were resolved long ago
    elif rng.random() < 0.03:
        code, minutes = "L", rng.randint(2, 25)
    elif rng.random() < 0.004:
        code = rng.choice(["V", "P", "B"])
    return code, minutes


def _registers_and_marks(
    world: Any,
    school: Any,
    rng: random.Random,
    groups: list[Group],
    pupils_by_group: dict[int, list[tuple[int, datetime.date, datetime.date | None]]],
    propensity: dict[int, float],
    dates: tuple[list[datetime.date], datetime.date],
    now: datetime.datetime,
) -> tuple[list[Register], list[AttendanceMark]]:
    """Every register group's registers, taken by its tutor, and a mark for each pupil in the group that day
    (`dates`: the school days, and the first of them)."""
    today = world.today
    days, start = dates
    tutors = {
        ra.group_id: ra.user_id for ra in RoleAssignment.objects.filter(role=Role.TUTOR, group__in=groups)
    }
    # Today's morning register is left untaken for a few groups, so the officer has a list.
    skip_today = {g.pk for g in groups[: max(1, len(groups) // 10)]}
    marks: list[AttendanceMark] = []
    registers: list[Register] = []
    recent_cutoff = days[-6] if len(days) >= 6 else start
    for gid in sorted(pupils_by_group):
        tutor_id = tutors.get(gid)
        for day in days:
            sessions = ["AM"] if day == today else ["AM", "PM"]
            for session in sessions:
                if day == today and gid in skip_today:
                    continue
                registers.append(
                    Register(
                        organisation=school,
                        group_id=gid,
                        date=day,
                        session=session,
                        taken_by_id=tutor_id,
                        taken_at=timezone.make_aware(
                            datetime.datetime.combine(
                                day, datetime.time(8, 45 if session == "AM" else 13, 35)
                            )
                        ),
                    )
                )
                for pid, s, e in sorted(pupils_by_group[gid]):
                    if s > day or (e is not None and e < day):
                        continue
                    code, minutes = _mark_code(rng, propensity[pid], session, day, recent_cutoff)
                    marks.append(
                        AttendanceMark(
                            organisation=school,
                            pupil_id=pid,
                            date=day,
                            session=session,
                            code=code,
                            category=int(category_of(code)),
                            minutes_late=minutes,
                            recorded_by_id=tutor_id,
                            recorded_at=now,
                        )
                    )
    return registers, marks


def _calls_home(world: Any, worst: list[int], now: datetime.datetime) -> None:
    """The attendance officer has phoned home about the five pupils most often absent."""
    from people.models import PupilContact

    contacts = {
        pc.pupil_id: pc.contact_id
        for pc in PupilContact.objects.filter(pupil_id__in=worst).order_by("-priority")
    }
    for pid in worst:
        ContactLog.objects.create(
            organisation=world.main_school,
            pupil_id=pid,
            contact_id=contacts.get(pid),
            to_whom="" if pid in contacts else "Parent",
            method=ContactLog.Method.PHONE,
            occurred_at=now - datetime.timedelta(days=7),
            outcome="Discussed recent absence; parent reports anxiety about school.",
            next_step="Invite to an attendance meeting.",
            recorded_by=world.users.get("attendance_officer"),
        )


# --- Lesson registers, escalation rules (kept apart from the marks above) -----------------------

STAGE_RULES = {1: (10, 20, 0), 2: (15, 40, 10), 3: (20, 60, 20)}  # order: (threshold %, min possible, days)


def build_attendance_extras(world: Any) -> None:
    """Entry rules on the stages, some pupils at stage 1, and today's lesson registers with a few truants."""
    from attendance import selectors
    from attendance.models import LessonMark, PupilEscalation

    school = world.main_school
    if school is None:
        return
    rng, today = world.rng, world.today
    officer = world.users.get("attendance_officer")
    with transaction.atomic():
        AttendanceSettings.objects.filter(organisation=school).update(contact_log_years_after_leaving=3)
        for stage in EscalationStage.objects.filter(organisation=school, order__in=STAGE_RULES):
            threshold, sessions, days = STAGE_RULES[stage.order]
            stage.threshold_percent, stage.min_possible_sessions = threshold, sessions
            stage.min_school_days_since_previous = days
            stage.save()
        # Half of the pupils due for the first stage reached it a month ago, so some are due for the second.
        due = selectors.escalations_due(school, today)
        first = EscalationStage.objects.get(organisation=school, order=1)
        for row in due[: len(due) // 2]:
            PupilEscalation.objects.create(
                organisation=school,
                pupil=row["pupil"],
                stage=first,
                started_on=today - datetime.timedelta(days=30),
                note="Letter sent home.",
                recorded_by=officer,
            )
        # Three groups take a lesson register this morning; a few pupils registered present then missed it.
        taken = list(
            Register.objects.filter(
                organisation=school, date=today, session="AM", lesson="", taken_at__isnull=False
            )
            .order_by("group__name")
            .select_related("group")[:3]
        )
        now = timezone.now()
        for register in taken:
            lesson = Register.objects.create(
                organisation=school,
                group=register.group,
                date=today,
                session="AM",
                lesson="P2 English",
                taken_by=register.taken_by,
                taken_at=now,
                version=1,
            )
            statutory = AttendanceMark.objects.filter(
                pupil_id__in=GroupMembership.objects.current(today)
                .filter(group=register.group)
                .values("pupil_id"),
                date=today,
                session="AM",
            ).order_by("pupil_id")
            rows = []
            for mark in statutory.filter(
                category__lte=4
            ):  # absences are copied; not-possible sessions skipped
                code = mark.code if mark.category > 2 else ("N" if rng.random() < 0.06 else "/")
                rows.append(
                    LessonMark(
                        organisation=school,
                        register=lesson,
                        pupil_id=mark.pupil_id,
                        code=code,
                        recorded_by_id=register.taken_by_id,
                        recorded_at=now,
                    )
                )
            LessonMark.objects.bulk_create(rows)
