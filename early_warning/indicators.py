"""The built-in indicators: attendance, behaviour, achievement, support plans and the student's circumstances.

Every threshold compares in whole numbers or exact fractions, so a student exactly at a threshold is treated as
the docs say ("below 90%" is off at exactly 90.0%; "down 5 points or more" is on at exactly 5.0).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.utils import timezone

from access.permissions import has_role
from access.roles import TWO_FACTOR_ROLES
from early_warning.registry import Context, Indicator, Param, register_indicator

Found = dict[datetime.date, dict[int, str]]  # each day evaluated -> pupil id -> evidence


def _pct(fraction: Fraction) -> str:
    return f"{float(fraction) * 100:.1f}%"


def _one_day(evaluate_days: Any) -> Any:
    """The single-day form of a many-day indicator (`Indicator.evaluate`)."""

    def evaluate(ctx: Context) -> dict[int, str]:
        found: dict[int, str] = evaluate_days(ctx.for_day(ctx.on))[ctx.on]
        return found

    return evaluate


def _every_day(ctx: Context, found: dict[int, str]) -> Found:
    """An indicator that does not depend on the day (a pupil's recorded circumstances): the same each day."""
    return dict.fromkeys(ctx.days, found)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


# --- Attendance ---------------------------------------------------------------------------------


def _rates(ctx: Context, day: datetime.date, end: datetime.date) -> dict[int, tuple[int, int, int]]:
    """Per pupil (attended, absent, possible) from the start of `day`'s academic year to `end` (one statement,
    read once an evaluation for each pair of dates)."""
    from attendance.selectors import Scope, academic_year_start, scope_sums

    start = academic_year_start(day)
    if end < start:
        return {}
    scope = Scope(organisation=ctx.organisation, organisation_ids=ctx.organisation_ids)
    found: dict[int, tuple[int, int, int]] = ctx.shared(
        f"attendance:{start}:{end}", lambda: scope_sums(scope, start, end)
    )
    return found


def attendance_low_days(ctx: Context) -> Found:
    threshold = Fraction(Decimal(ctx.value("attendance_low", "below"))) / 100
    num, den, words = threshold.numerator, threshold.denominator, _pct(threshold)
    found: Found = {}
    for day in ctx.days:
        found[day] = {
            pid: f"attendance {_pct(Fraction(attended, possible))} this year (below {words})"
            for pid, (attended, _, possible) in _rates(ctx, day, day).items()
            if attended * den < num * possible  # attended / possible < threshold, in whole numbers
        }
    return found


def attendance_falling_days(ctx: Context) -> Found:
    weeks = int(ctx.value("attendance_falling", "weeks"))
    drop = Fraction(Decimal(ctx.value("attendance_falling", "points"))) / 100
    found: Found = {}
    for day in ctx.days:
        before = _rates(ctx, day, day - datetime.timedelta(weeks=weeks))
        found[day] = {}
        for pupil_id, (attended, _, possible) in _rates(ctx, day, day).items():
            if pupil_id not in before:
                continue
            was, was_possible = before[pupil_id][0], before[pupil_id][2]
            # then - now >= drop, in whole numbers: (was/was_possible - attended/possible) >= num/den
            if (was * possible - attended * was_possible) * drop.denominator < (
                drop.numerator * was_possible * possible
            ):
                continue
            then, now = Fraction(was, was_possible), Fraction(attended, possible)
            found[day][pupil_id] = (
                f"attendance {_pct(now)}, down {float(then - now) * 100:.1f} points in {weeks} weeks"
            )
    return found


def persistent_absence_days(ctx: Context) -> Found:
    return {
        day: {
            pid: f"absent {absent} of {possible} sessions this year ({_pct(Fraction(absent, possible))}, 10% or more)"
            for pid, (_, absent, possible) in _rates(ctx, day, day).items()
            if absent * 10 >= possible
        }
        for day in ctx.days
    }


def severe_absence_days(ctx: Context) -> Found:
    return {
        day: {
            pid: f"absent {absent} of {possible} sessions this year ({_pct(Fraction(absent, possible))}, 50% or more)"
            for pid, (_, absent, possible) in _rates(ctx, day, day).items()
            if absent * 2 >= possible
        }
        for day in ctx.days
    }


WINDOW_CODES = {"unexplained": ("N", "O"), "lateness": ("L", "U")}


def _marks_in_windows(ctx: Context) -> dict[tuple[str, datetime.date], dict[int, int]]:
    """(indicator, day) -> pupil id -> marks with the indicator's codes in its window ending that day: both
    indicators and every day in one grouped statement over the marks."""
    from attendance.models import AttendanceMark

    def load() -> dict[tuple[str, datetime.date], dict[int, int]]:
        windows = {
            (key, day): (day - datetime.timedelta(days=int(ctx.value(key, "days"))), day)
            for key in WINDOW_CODES
            for day in ctx.days
        }
        counts = {
            f"n{i}": Count("id", filter=Q(date__gt=after, date__lte=until, code__in=WINDOW_CODES[key]))
            for i, ((key, _), (after, until)) in enumerate(windows.items())
        }
        rows = (
            AttendanceMark.objects.filter(
                organisation_id__in=ctx.organisation_ids,
                date__gt=min(after for after, _ in windows.values()),
                date__lte=max(ctx.days),
                code__in=[c for codes in WINDOW_CODES.values() for c in codes],
            )
            .values("pupil_id")
            .annotate(**counts)
            .values_list("pupil_id", *counts)
            .order_by()
        )
        found: dict[tuple[str, datetime.date], dict[int, int]] = {w: {} for w in windows}
        for pupil_id, *numbers in rows:
            for window, n in zip(windows, numbers, strict=True):
                if n:
                    found[window][pupil_id] = n
        return found

    found: dict[tuple[str, datetime.date], dict[int, int]] = ctx.shared("marks_in_windows", load)
    return found


def _window_counts(ctx: Context, key: str, words: str) -> Found:
    """Pupils with at least `sessions` marks of the indicator's codes in its window, each day; `words` is the
    evidence with {n}, {days} and {at_least} filled in."""
    at_least, days = int(ctx.value(key, "sessions")), int(ctx.value(key, "days"))
    windows = _marks_in_windows(ctx)
    return {
        day: {
            pid: words.format(n=n, days=days, at_least=at_least)
            for pid, n in windows[(key, day)].items()
            if n >= at_least
        }
        for day in ctx.days
    }


def unexplained_absence_days(ctx: Context) -> Found:
    return _window_counts(
        ctx, "unexplained", "{n} unexplained absences (N or O) in the last {days} days ({at_least} or more)"
    )


def lateness_days(ctx: Context) -> Found:
    return _window_counts(
        ctx, "lateness", "late {n} times (L or U) in the last {days} days ({at_least} or more)"
    )


# --- Behaviour ----------------------------------------------------------------------------------


def behaviour_days(ctx: Context) -> Found:
    """Negative incidents in the window, each counting its severity, doubled when in the recent part: every day
    in one grouped statement (each day's count and weighted sum a conditional aggregate)."""
    from behaviour.models import IncidentKind, IncidentPupil

    days, recent = int(ctx.value("behaviour", "days")), int(ctx.value("behaviour", "recent_days"))
    at_least = int(ctx.value("behaviour", "score"))
    # Each window's days in the school's time zone, as a range of instants (an index range; no per-row date
    # cast); "recent" is the last `recent` days of it (`(day - incident's day) < recent`).
    bounds = {
        day: (
            _midnight(day - datetime.timedelta(days=days - 1)),
            _midnight(day + datetime.timedelta(days=1)),
            _midnight(day - datetime.timedelta(days=recent - 1)),
        )
        for day in ctx.days
    }
    aggregates: dict[str, Any] = {}
    for i, (first, after, recent_from) in enumerate(bounds.values()):
        window = Q(incident__occurred_at__gte=first, incident__occurred_at__lt=after)
        doubled = Case(When(incident__occurred_at__gte=recent_from, then=Value(2)), default=Value(1))
        aggregates[f"n{i}"] = Count("id", filter=window)
        aggregates[f"w{i}"] = Sum(F("incident__severity") * doubled, filter=window)
    rows = (
        IncidentPupil.objects.filter(
            organisation_id__in=ctx.organisation_ids,
            incident__kind=IncidentKind.NEGATIVE,
            incident__occurred_at__gte=min(b[0] for b in bounds.values()),
            incident__occurred_at__lt=max(b[1] for b in bounds.values()),
        )
        .values("pupil_id")
        .annotate(**aggregates)
        .values_list("pupil_id", *aggregates)
        .order_by()
    )
    found: Found = {day: {} for day in ctx.days}
    for pupil_id, *figures in rows:
        for i, day in enumerate(bounds):
            n, score = figures[2 * i], figures[2 * i + 1] or 0
            if n and score >= at_least:
                found[day][pupil_id] = (
                    f"{n} negative incident{'s' if n != 1 else ''} in {days} days, weighted {score} "
                    f"(severity, doubled in the last {recent} days; {at_least} or more)"
                )
    return found


def suspension_days(ctx: Context) -> Found:
    from behaviour.models import Suspension

    days = int(ctx.value("suspension", "days"))
    rows = Suspension.objects.filter(
        organisation_id__in=ctx.organisation_ids,
        kind__in=[Suspension.Kind.SUSPENSION, Suspension.Kind.PERMANENT],
        starts_on__gt=min(ctx.days) - datetime.timedelta(days=days),
        starts_on__lte=max(ctx.days),
        withdrawn_at__isnull=True,
    ).values_list("pupil_id", "starts_on", "kind")
    ordered = sorted(rows, key=lambda r: r[1])
    found: Found = {}
    for day in ctx.days:
        found[day] = {}
        for pupil_id, starts_on, kind in ordered:
            if day - datetime.timedelta(days=days) < starts_on <= day:
                word = "permanent exclusion" if kind == Suspension.Kind.PERMANENT else "suspension"
                found[day][pupil_id] = f"{word} from {starts_on:%d %b %Y} (in the last {days} days)"
    return found


# --- Achievement --------------------------------------------------------------------------------


def standings_key(day: datetime.date) -> str:
    """Where an evaluation keeps the standings of a day (a caller that already read them seeds it)."""
    return f"standings:{day}"


def _standings(ctx: Context, day: datetime.date) -> dict[int, Any]:
    """Each student's standing on `day`; a day with no assessment point between it and a later day evaluated
    has the later day's standings (one statement, not one a day)."""
    from achievement.selectors import assessed_between, standings

    def load() -> dict[int, Any]:
        later = [d for d in ctx.days if d > day]
        if later and not assessed_between(ctx.organisation_ids, day, min(later)):
            return _standings(ctx, min(later))
        found: dict[int, Any] = standings(ctx.organisation_ids, day)
        return found

    found: dict[int, Any] = ctx.shared(standings_key(day), load)
    return found


def below_target_days(ctx: Context) -> Found:
    at_least = int(ctx.value("below_target", "courses"))
    return {
        day: {
            pid: f"below target in {s.below} of {s.courses} courses at {s.point} ({at_least} or more)"
            for pid, s in _standings(ctx, day).items()
            if s.below >= at_least
        }
        for day in ctx.days
    }


def falling_grades_days(ctx: Context) -> Found:
    at_least = int(ctx.value("falling_grades", "courses"))
    return {
        day: {
            pid: f"working-at grade fell in {s.falling} course{'s' if s.falling != 1 else ''} since the point before {s.point}"
            for pid, s in _standings(ctx, day).items()
            if s.falling >= at_least
        }
        for day in ctx.days
    }


# --- Support plans ------------------------------------------------------------------------------


def _plans(ctx: Context) -> list[tuple[Any, ...]]:
    """The plans either support-plan indicator may read on any of the days (one query for both)."""
    from support_plans.models import SupportPlan

    def load() -> list[tuple[Any, ...]]:
        since = min(ctx.days) - datetime.timedelta(days=int(ctx.value("psp_failed", "days")))
        return list(
            SupportPlan.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=since))
            .filter(organisation_id__in=ctx.organisation_ids)
            .values_list("pupil_id", "status", "outcome", "opened_on", "closed_on")
            .order_by("pk")
        )

    found: list[tuple[Any, ...]] = ctx.shared("plans", load)
    return found


def psp_active_days(ctx: Context) -> Found:
    from support_plans.models import SupportPlan

    # Open on the day: opened by then and not closed by then (so a replay of a past week reads it as it stood);
    # a plan closed with no closing date is not open.
    closed = SupportPlan.Status.CLOSED
    return {
        day: {
            pid: "a Pastoral Support Programme is open"
            for pid, status, _, opened_on, closed_on in _plans(ctx)
            if opened_on <= day
            and (closed_on is None or closed_on > day)
            and not (status == closed and closed_on is None)
        }
        for day in ctx.days
    }


def psp_failed_days(ctx: Context) -> Found:
    from support_plans.models import SupportPlan

    days = int(ctx.value("psp_failed", "days"))
    closed, unsuccessful = SupportPlan.Status.CLOSED, SupportPlan.Outcome.UNSUCCESSFUL
    return {
        day: {
            pid: f"a Pastoral Support Programme closed unsuccessful on {closed_on:%d %b %Y}"
            for pid, status, outcome, _, closed_on in _plans(ctx)
            if status == closed
            and outcome == unsuccessful
            and closed_on is not None
            and day - datetime.timedelta(days=days) < closed_on <= day
        }
        for day in ctx.days
    }


# --- Circumstances ------------------------------------------------------------------------------


def _sen(ctx: Context, status: str, words: str) -> Found:
    from people.models import Pupil

    def load() -> dict[str, list[int]]:
        found: dict[str, list[int]] = {"K": [], "E": []}
        for pid, sen in Pupil.objects.filter(
            organisation_id__in=ctx.organisation_ids, sen_status__in=("K", "E")
        ).values_list("pk", "sen_status"):
            found[sen].append(pid)
        return found

    by_status: dict[str, list[int]] = ctx.shared("sen", load)
    return _every_day(ctx, dict.fromkeys(by_status[status], words))


def sen_support_days(ctx: Context) -> Found:
    return _sen(ctx, "K", "SEN support")


def ehcp_days(ctx: Context) -> Found:
    return _sen(ctx, "E", "education, health and care plan")


def _factors(ctx: Context) -> list[tuple[int, bool, bool, bool]]:
    """Every pupil with a recorded circumstance (one query for the circumstance indicators)."""
    from early_warning.models import StudentFactor

    def load() -> list[tuple[int, bool, bool, bool]]:
        return list(
            StudentFactor.objects.filter(
                Q(pupil_premium=True) | Q(free_school_meals=True) | Q(young_carer=True),
                organisation_id__in=ctx.organisation_ids,
            ).values_list("pupil_id", "pupil_premium", "free_school_meals", "young_carer")
        )

    found: list[tuple[int, bool, bool, bool]] = ctx.shared("factors", load)
    return found


def disadvantaged_days(ctx: Context) -> Found:
    found = {}
    for pid, pp, fsm, _ in _factors(ctx):
        if pp or fsm:
            found[pid] = " and ".join(
                w for w, on in (("pupil premium", pp), ("free school meals", fsm)) if on
            )
    return _every_day(ctx, found)


def young_carer_days(ctx: Context) -> Found:
    return _every_day(ctx, {pid: "young carer" for pid, _, _, carer in _factors(ctx) if carer})


def _protection(ctx: Context, statuses: set[str]) -> Found:
    from safeguarding.models import ProtectionStatus

    def load() -> list[tuple[int, datetime.date, str]]:
        return list(
            ProtectionStatus.objects.filter(
                organisation_id__in=ctx.organisation_ids, starts_on__lte=max(ctx.days)
            )
            .order_by("pupil_id", "starts_on", "id")
            .values_list("pupil_id", "starts_on", "status")
        )

    rows: list[tuple[int, datetime.date, str]] = ctx.shared("protection", load)
    labels = dict(ProtectionStatus.Status.choices)
    found: Found = {}
    for day in ctx.days:
        latest: dict[int, str] = {}
        for pid, starts_on, status in rows:
            if starts_on <= day:
                latest[pid] = status  # the last row for a pupil by then is the one in force
        found[day] = {pid: str(labels.get(s, s)).lower() for pid, s in latest.items() if s in statuses}
    return found


def child_protection_days(ctx: Context) -> Found:
    return _protection(ctx, {"cp_plan", "cin"})


def looked_after_days(ctx: Context) -> Found:
    return _protection(ctx, {"lac"})


# --- Who sees the sensitive ones ----------------------------------------------------------------


def sees_sen(user: Any, organisation_id: int) -> bool:
    """SEN status: the roles that see it on the pupil profile (SENCO, DSL team, senior leaders, heads of year, PAL)."""
    return has_role(user, TWO_FACTOR_ROLES, organisation_id)


def sees_child_protection(user: Any, organisation_id: int) -> bool:
    """Child protection status: the DSL team only."""
    from safeguarding.permissions import is_dsl_team

    return is_dsl_team(user, organisation_id)


def sees_looked_after(user: Any, organisation_id: int) -> bool:
    """Looked-after status: the DSL team, and the roles the school chose to show the discreet flag to."""
    from safeguarding.selectors import flag_roles

    return sees_child_protection(user, organisation_id) or has_role(
        user, flag_roles(organisation_id), organisation_id
    )


def looked_after_seen_in(user: Any, organisation_ids: list[int]) -> set[int]:
    """`sees_looked_after` for several schools, their flag settings read in one query."""
    from safeguarding.selectors import flag_roles_of

    roles = flag_roles_of(organisation_ids)
    return {i for i in organisation_ids if sees_child_protection(user, i) or has_role(user, roles[i], i)}


def _days(default: int, label: str = "Window (days)") -> Param:
    return Param("days", label, default, 1, 366)


def _built(
    key: str, label: str, weight: int, evaluate_days: Any, params: tuple[Param, ...] = (), **named: Any
) -> Indicator:
    """A built-in indicator: every day evaluated in the same queries, and its single-day form."""
    return Indicator(
        key, label, weight, _one_day(evaluate_days), params, evaluate_days=evaluate_days, **named
    )


BUILT_IN = [
    _built(
        "attendance_low",
        "Attendance below threshold",
        3,
        attendance_low_days,
        (Param("below", "Below (%)", Decimal("90.0"), 0, 100, "Attendance this year below this flags."),),
        order=10,
        group="Attendance",
    ),
    _built(
        "attendance_falling",
        "Attendance falling",
        3,
        attendance_falling_days,
        (
            Param("points", "Fall of at least (percentage points)", Decimal("5.0"), 0, 100),
            Param("weeks", "Over (weeks)", 4, 1, 20),
        ),
        order=11,
        group="Attendance",
    ),
    _built(
        "persistent_absence",
        "Persistent absence (10% or more)",
        2,
        persistent_absence_days,
        order=12,
        group="Attendance",
    ),
    _built(
        "severe_absence", "Severe absence (50% or more)", 4, severe_absence_days, order=13, group="Attendance"
    ),
    _built(
        "unexplained",
        "Unexplained absences",
        2,
        unexplained_absence_days,
        (Param("sessions", "At least (sessions)", 3, 1, 100), _days(28)),
        order=14,
        group="Attendance",
    ),
    _built(
        "lateness",
        "Lateness",
        1,
        lateness_days,
        (Param("sessions", "At least (times late)", 5, 1, 100), _days(28)),
        order=15,
        group="Attendance",
    ),
    _built(
        "behaviour",
        "Behaviour incidents",
        2,
        behaviour_days,
        (
            Param("score", "Weighted score of at least", 8, 1, 500),
            _days(42),
            Param("recent_days", "Counted double within (days)", 14, 0, 366),
        ),
        order=20,
        group="Behaviour",
    ),
    _built(
        "suspension", "Suspension or exclusion", 4, suspension_days, (_days(90),), order=21, group="Behaviour"
    ),
    _built(
        "below_target",
        "Below target",
        2,
        below_target_days,
        (Param("courses", "In at least (courses)", 2, 1, 30),),
        order=30,
        group="Achievement",
    ),
    _built(
        "falling_grades",
        "Grades falling",
        1,
        falling_grades_days,
        (Param("courses", "In at least (courses)", 1, 1, 30),),
        order=31,
        group="Achievement",
    ),
    _built("psp_active", "Open Pastoral Support Programme", 2, psp_active_days, order=40, group="Support"),
    _built(
        "psp_failed",
        "Unsuccessful Pastoral Support Programme",
        3,
        psp_failed_days,
        (_days(365),),
        order=41,
        group="Support",
    ),
    _built(
        "sen_support",
        "SEN support",
        1,
        sen_support_days,
        visible_to=sees_sen,
        order=50,
        group="Circumstances",
    ),
    _built("ehcp", "EHC plan", 2, ehcp_days, visible_to=sees_sen, order=51, group="Circumstances"),
    _built(
        "disadvantaged",
        "Pupil premium / free school meals",
        1,
        disadvantaged_days,
        order=52,
        group="Circumstances",
    ),
    _built("young_carer", "Young carer", 1, young_carer_days, order=53, group="Circumstances"),
    _built(
        "looked_after",
        "Looked after",
        3,
        looked_after_days,
        visible_to=sees_looked_after,
        visible_in=looked_after_seen_in,
        order=54,
        group="Circumstances",
    ),
    _built(
        "child_protection",
        "Child protection or child in need",
        3,
        child_protection_days,
        visible_to=sees_child_protection,
        order=55,
        group="Circumstances",
    ),
]

for _indicator in BUILT_IN:
    register_indicator(_indicator)
