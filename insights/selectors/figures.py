"""The figures of a cohort: one read per figure over every school of it (never one per student), kept per
student, then added up for the headline and for each row of a breakdown.

Attendance comes from `attendance.selectors.scope_sums` (the weekly roll-up), progress against target from
`achievement.selectors.standings`, the early-warning count from `early_warning.selectors` (each viewer's own
indicators, `flagged_pupils`); behaviour, suspensions and PSPs one grouped query each through those apps' selectors.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from attendance import selectors as attendance
from insights.selectors.cohort import SEN_LABELS, SEX_LABELS, Cohort, Facts

STUDENTS, EVENTS, RATE = "students", "events", "rate"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # STUDENTS or EVENTS (a count), or RATE (a share or mean over `base` students)
    base: str = "students"


COLUMNS = [
    Column("students", "Students", STUDENTS),
    Column("attendance", "Attendance %", RATE, base="with_marks"),
    Column("persistent", "Persistently absent", STUDENTS),
    Column("positive", "Positive behaviour", EVENTS),
    Column("negative", "Negative incidents", EVENTS),
    Column("with_negative", "Students with a negative incident", STUDENTS),
    Column("suspensions", "Suspensions", EVENTS),
    Column("suspended", "Students suspended", STUDENTS),
    Column("exclusions", "Permanent exclusions", EVENTS),
    Column("psps_opened", "PSPs opened", EVENTS),
    Column("psps_successful", "PSPs closed successful", EVENTS),
    Column("psps_unsuccessful", "PSPs closed unsuccessful", EVENTS),
    Column("on_target", "Results at or above target %", RATE, base="with_results"),
    Column("below_two", "Below target in 2+ courses", STUDENTS),
    Column("flagged", "On the early-warning list", STUDENTS),
]
# The denominators of the rates: counted for suppression, not shown as columns.
BASES = ("with_marks", "with_results")


@dataclass
class PerStudent:
    """Every figure kept per student id (only students with something to count appear in each)."""

    attendance: dict[int, tuple[int, int, bool]]  # possible, attended, persistently absent
    positive: dict[int, int]
    negative: dict[int, int]
    suspensions: dict[int, int]
    exclusions: dict[int, int]
    psps_opened: dict[int, int]
    psps_successful: dict[int, int]
    psps_unsuccessful: dict[int, int]
    results: dict[int, tuple[int, int]]  # courses at the latest point, of which at or above target
    below_two: set[int]
    flagged: set[int]


def day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return first, after


def attendance_per_student(cohort: Cohort) -> dict[int, tuple[int, int, bool]]:
    """Possible and attended sessions per student (one statement over the roll-up and any part-weeks)."""
    scope = cohort.scope or attendance.Scope(
        organisation=cohort.organisation, organisation_ids=[s.pk for s in cohort.schools]
    )
    ids = cohort.ids
    return {
        pid: (possible, attended, absent * 10 >= possible)  # persistently absent: 10% or more
        for pid, (attended, absent, possible) in attendance.scope_sums(
            scope, cohort.start, cohort.end
        ).items()
        if pid in ids
    }


def behaviour_per_student(cohort: Cohort, pupils: Any) -> tuple[dict[int, int], dict[int, int]]:
    """Positive and negative incidents per student in the range (behaviour's read: one grouped query)."""
    from behaviour.selectors import incident_counts

    first, after = day_bounds(cohort.start, cohort.end)
    return incident_counts([s.pk for s in cohort.schools], pupils, first, after)


def suspensions_per_student(cohort: Cohort, pupils: Any) -> tuple[dict[int, int], dict[int, int]]:
    """Suspensions and permanent exclusions starting in the range, not withdrawn (internal ones not counted)."""
    from behaviour.selectors import suspension_counts

    return suspension_counts([s.pk for s in cohort.schools], pupils, cohort.start, cohort.end)


def plans_per_student(cohort: Cohort, pupils: Any) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """PSPs opened in the range, and PSPs closed in the range by outcome (support_plans' read: one query)."""
    from support_plans.selectors import plans_in_range

    opened: dict[int, int] = defaultdict(int)
    closed: dict[str, dict[int, int]] = {"successful": defaultdict(int), "unsuccessful": defaultdict(int)}
    ids = [s.pk for s in cohort.schools]
    for pupil_id, opened_on, status, closed_on, outcome in plans_in_range(
        ids, pupils, cohort.start, cohort.end
    ):
        if cohort.start <= opened_on <= cohort.end:
            opened[pupil_id] += 1
        if status == "closed" and closed_on and cohort.start <= closed_on <= cohort.end and outcome in closed:
            closed[outcome][pupil_id] += 1
    return dict(opened), dict(closed["successful"]), dict(closed["unsuccessful"])


def progress_per_student(
    cohort: Cohort, standings: dict[int, Any]
) -> tuple[dict[int, tuple[int, int]], set[int]]:
    """At each student's latest assessment point on or before the end: courses, those at or above target; and
    who is below target in two or more, from `standings` (achievement's one statement over every school of the
    cohort, read once for this and the early-warning count)."""
    ids = cohort.ids
    results: dict[int, tuple[int, int]] = {}
    below_two: set[int] = set()
    # The schools' standings, kept for the cohort here: a list of a thousand ids in the query costs more to
    # build and run than the rows of the students outside the cohort.
    for pupil_id, standing in standings.items():
        if pupil_id not in ids:
            continue
        results[pupil_id] = (standing.courses, standing.courses - standing.below)
        if standing.below >= 2:
            below_two.add(pupil_id)
    return results, below_two


def public_indicator_keys() -> set[str]:
    """The indicators no role restricts (no SEN, looked-after or child protection line): what a report for
    governors counts."""
    from early_warning.registry import indicators

    return {i.key for i in indicators() if i.visible_to is None}


def flagged_students(
    user: Any, cohort: Cohort, keys: set[str] | None = None, standings: dict[int, Any] | None = None
) -> set[int]:
    """Who the early-warning list flags on the range's last day, scored over the indicators *this user* may know
    of (a student flagged only by a child protection line is not counted for a head of year), or over `keys`:
    early_warning's count read (the schools with the same settings in one pass, no explanation lines)."""
    from early_warning import selectors as warning

    return warning.flagged_pupils(user, cohort.schools, cohort.end, keys, standings) & cohort.ids


def per_student(user: Any, cohort: Cohort, *, keys: set[str] | None = None) -> PerStudent:
    from achievement import selectors as achievement
    from insights.selectors.cohort import pupils_in

    pupils = pupils_in(cohort).values("pk")
    standings = achievement.standings([s.pk for s in cohort.schools], cohort.end)
    positive, negative = behaviour_per_student(cohort, pupils)
    suspensions, exclusions = suspensions_per_student(cohort, pupils)
    opened, successful, unsuccessful = plans_per_student(cohort, pupils)
    results, below_two = progress_per_student(cohort, standings)
    return PerStudent(
        attendance_per_student(cohort),
        positive,
        negative,
        suspensions,
        exclusions,
        opened,
        successful,
        unsuccessful,
        results,
        below_two,
        flagged_students(user, cohort, keys, standings),
    )


def totals(ids: Iterable[int], found: PerStudent) -> dict[str, Any]:
    """Every column's figure for a set of students (the headline, or one row of a breakdown)."""
    ids = list(ids)
    marks = [found.attendance[pk] for pk in ids if pk in found.attendance]
    results = [found.results[pk] for pk in ids if pk in found.results]
    possible, attended = sum(m[0] for m in marks), sum(m[1] for m in marks)
    courses, on_target = sum(r[0] for r in results), sum(r[1] for r in results)

    def add(figure: dict[int, int]) -> int:
        return sum(figure.get(pk, 0) for pk in ids)

    return {
        "students": len(ids),
        "with_marks": len(marks),
        "attendance": attended / possible if possible else None,
        "persistent": sum(1 for m in marks if m[2]),
        "positive": add(found.positive),
        "negative": add(found.negative),
        "with_negative": sum(1 for pk in ids if found.negative.get(pk)),
        "suspensions": add(found.suspensions),
        "suspended": sum(1 for pk in ids if found.suspensions.get(pk)),
        "exclusions": add(found.exclusions),
        "psps_opened": add(found.psps_opened),
        "psps_successful": add(found.psps_successful),
        "psps_unsuccessful": add(found.psps_unsuccessful),
        "with_results": len(results),
        "on_target": on_target / courses if courses else None,
        "below_two": sum(1 for pk in ids if pk in found.below_two),
        "flagged": sum(1 for pk in ids if pk in found.flagged),
    }


# --- Breakdowns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    value: Callable[[Facts, Cohort], tuple[Any, str]]  # (sort key, label)

    @property
    def in_sentence(self) -> str:
        """The label inside a sentence ("by year group", "by SEN"): an abbreviation keeps its capitals."""
        first = self.label.split(" ", 1)[0]
        return self.label if first.isupper() else self.label[:1].lower() + self.label[1:]


def _year(f: Facts, c: Cohort) -> tuple[Any, str]:
    return (f.year_group, c.year_label(f.year_group))


def _group(f: Facts, c: Cohort) -> tuple[Any, str]:
    from core.naturalsort import natural_key

    return ((0, natural_key(f.group)) if f.group else (1, ()), f.group or "No tutor group")


DIMENSIONS = {
    d.key: d
    for d in (
        Dimension("year", "Year group", _year),
        Dimension("group", "Tutor group", _group),
        Dimension("sex", "Sex", lambda f, c: ("FM".find(f.sex) % 3, SEX_LABELS.get(f.sex, f.sex))),
        Dimension(
            "sen", "SEN", lambda f, c: ("NKE".find(f.sen_status) % 4, SEN_LABELS.get(f.sen_status, ""))
        ),
        Dimension(
            "pupil_premium",
            "Pupil premium",
            lambda f, c: (
                0 if f.pupil_premium else 1,
                "Pupil premium" if f.pupil_premium else "Not pupil premium",
            ),
        ),
        Dimension(
            "school",
            "School",
            lambda f, c: (c.school_name(f.organisation_id), c.school_name(f.organisation_id)),
        ),
    )
}


def breakdown(cohort: Cohort, found: PerStudent, key: str) -> list[dict[str, Any]]:
    """One row per value of the dimension (only values some student has), with every column's figure."""
    dimension = DIMENSIONS[key]
    buckets: dict[tuple[Any, str], list[int]] = defaultdict(list)
    for pk, facts in cohort.pupils.items():
        buckets[dimension.value(facts, cohort)].append(pk)
    return [{"label": label, **totals(ids, found)} for (_, label), ids in sorted(buckets.items())]


def dimensions_for(user: Any, cohort: Cohort) -> list[Dimension]:
    """The breakdowns this viewer gets: SEN only for the roles the early-warning list shows SEN to, school only
    over a group of schools. Ethnicity is not recorded anywhere yet, so it is not offered."""
    from early_warning import selectors as warning

    shown = ["year", "group", "sex"]
    keys = warning.visible_keys_of(user, [s.pk for s in cohort.schools])
    if all("sen_support" in shown for shown in keys.values()):
        shown.append("sen")
    shown.append("pupil_premium")
    if len(cohort.schools) > 1 or cohort.is_group_of_schools:
        shown.append("school")
    return [DIMENSIONS[k] for k in shown]
