"""The built-in indicators: attendance, behaviour, achievement, support plans and the student's circumstances.

Every threshold compares in whole numbers or exact fractions, so a student exactly at a threshold is treated as
the docs say ("below 90%" is off at exactly 90.0%; "down 5 points or more" is on at exactly 5.0).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from access.permissions import has_role
from access.roles import TWO_FACTOR_ROLES
from early_warning.registry import Context, Indicator, Param, register_indicator


def _pct(fraction: Fraction) -> str:
    return f"{float(fraction) * 100:.1f}%"


# --- Attendance ---------------------------------------------------------------------------------


def _rates(ctx: Context, end: datetime.date) -> dict[int, tuple[int, int, int]]:
    """Per pupil (attended, absent, possible) from the start of the academic year to `end`."""
    from attendance.selectors import Scope, academic_year_start, scope_per_pupil

    start = academic_year_start(ctx.on)
    if end < start:
        return {}
    rows = scope_per_pupil(
        Scope(organisation=ctx.organisation, organisation_ids=ctx.organisation_ids), start, end
    )
    return {r["pupil_id"]: (r["attended"], r["absent"], r["possible"]) for r in rows}


def _now(ctx: Context) -> dict[int, tuple[int, int, int]]:
    return ctx.shared("attendance_now", lambda: _rates(ctx, ctx.on))


def attendance_low(ctx: Context) -> dict[int, str]:
    threshold = Fraction(Decimal(ctx.value("attendance_low", "below"))) / 100
    found = {}
    for pupil_id, (attended, _, possible) in _now(ctx).items():
        rate = Fraction(attended, possible)
        if rate < threshold:
            found[pupil_id] = f"attendance {_pct(rate)} this year (below {_pct(threshold)})"
    return found


def attendance_falling(ctx: Context) -> dict[int, str]:
    weeks = int(ctx.value("attendance_falling", "weeks"))
    drop = Fraction(Decimal(ctx.value("attendance_falling", "points"))) / 100
    before = _rates(ctx, ctx.on - datetime.timedelta(weeks=weeks))
    found = {}
    for pupil_id, (attended, _, possible) in _now(ctx).items():
        if pupil_id not in before:
            continue
        then = Fraction(before[pupil_id][0], before[pupil_id][2])
        now = Fraction(attended, possible)
        if then - now >= drop:
            found[pupil_id] = (
                f"attendance {_pct(now)}, down {float(then - now) * 100:.1f} points in {weeks} weeks"
            )
    return found


def persistent_absence(ctx: Context) -> dict[int, str]:
    return {
        pid: f"absent {absent} of {possible} sessions this year ({_pct(Fraction(absent, possible))}, 10% or more)"
        for pid, (_, absent, possible) in _now(ctx).items()
        if absent * 10 >= possible
    }


def severe_absence(ctx: Context) -> dict[int, str]:
    return {
        pid: f"absent {absent} of {possible} sessions this year ({_pct(Fraction(absent, possible))}, 50% or more)"
        for pid, (_, absent, possible) in _now(ctx).items()
        if absent * 2 >= possible
    }


def _codes_in_window(ctx: Context, key: str, codes: tuple[str, ...]) -> dict[int, int]:
    from attendance.models import AttendanceMark

    days = int(ctx.value(key, "days"))
    rows = (
        AttendanceMark.objects.filter(
            organisation_id__in=ctx.organisation_ids,
            date__gt=ctx.on - datetime.timedelta(days=days),
            date__lte=ctx.on,
            code__in=codes,
        )
        .values("pupil_id")
        .annotate(n=Count("id"))
    )
    return {r["pupil_id"]: r["n"] for r in rows}


def unexplained_absence(ctx: Context) -> dict[int, str]:
    at_least, days = int(ctx.value("unexplained", "sessions")), int(ctx.value("unexplained", "days"))
    return {
        pid: f"{n} unexplained absences (N or O) in the last {days} days ({at_least} or more)"
        for pid, n in _codes_in_window(ctx, "unexplained", ("N", "O")).items()
        if n >= at_least
    }


def lateness(ctx: Context) -> dict[int, str]:
    at_least, days = int(ctx.value("lateness", "sessions")), int(ctx.value("lateness", "days"))
    return {
        pid: f"late {n} times (L or U) in the last {days} days ({at_least} or more)"
        for pid, n in _codes_in_window(ctx, "lateness", ("L", "U")).items()
        if n >= at_least
    }


# --- Behaviour ----------------------------------------------------------------------------------


def behaviour(ctx: Context) -> dict[int, str]:
    """Negative incidents in the window, each counting its severity, doubled when in the recent part."""
    from behaviour.models import IncidentKind, IncidentPupil

    days, recent = int(ctx.value("behaviour", "days")), int(ctx.value("behaviour", "recent_days"))
    at_least = int(ctx.value("behaviour", "score"))
    # The window's days in the school's time zone, as a range of instants (an index range; no per-row date cast).
    first = timezone.make_aware(
        datetime.datetime.combine(ctx.on - datetime.timedelta(days=days - 1), datetime.time())
    )
    after = timezone.make_aware(
        datetime.datetime.combine(ctx.on + datetime.timedelta(days=1), datetime.time())
    )
    links = IncidentPupil.objects.filter(
        organisation_id__in=ctx.organisation_ids,
        incident__kind=IncidentKind.NEGATIVE,
        incident__occurred_at__gte=first,
        incident__occurred_at__lt=after,
    ).values_list("pupil_id", "incident__severity", "incident__occurred_at")
    scores: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pupil_id, severity, when in links:
        day = timezone.localtime(when).date()
        scores[pupil_id][0] += 1
        scores[pupil_id][1] += severity * (2 if (ctx.on - day).days < recent else 1)
    return {
        pid: f"{n} negative incident{'s' if n != 1 else ''} in {days} days, weighted {score} "
        f"(severity, doubled in the last {recent} days; {at_least} or more)"
        for pid, (n, score) in scores.items()
        if score >= at_least
    }


def suspension(ctx: Context) -> dict[int, str]:
    from behaviour.models import Suspension

    days = int(ctx.value("suspension", "days"))
    rows = Suspension.objects.filter(
        organisation_id__in=ctx.organisation_ids,
        kind__in=[Suspension.Kind.SUSPENSION, Suspension.Kind.PERMANENT],
        starts_on__gt=ctx.on - datetime.timedelta(days=days),
        starts_on__lte=ctx.on,
        withdrawn_at__isnull=True,
    ).values_list("pupil_id", "starts_on", "kind")
    found: dict[int, str] = {}
    for pupil_id, starts_on, kind in sorted(rows, key=lambda r: r[1]):
        word = "permanent exclusion" if kind == Suspension.Kind.PERMANENT else "suspension"
        found[pupil_id] = f"{word} from {starts_on:%d %b %Y} (in the last {days} days)"
    return found


# --- Achievement --------------------------------------------------------------------------------


def _standings(ctx: Context) -> dict[int, Any]:
    from achievement.selectors import standings

    return ctx.shared("standings", lambda: standings(ctx.organisation_ids, ctx.on))


def below_target(ctx: Context) -> dict[int, str]:
    at_least = int(ctx.value("below_target", "courses"))
    return {
        pid: f"below target in {s.below} of {s.courses} courses at {s.point} ({at_least} or more)"
        for pid, s in _standings(ctx).items()
        if s.below >= at_least
    }


def falling_grades(ctx: Context) -> dict[int, str]:
    at_least = int(ctx.value("falling_grades", "courses"))
    return {
        pid: f"working-at grade fell in {s.falling} course{'s' if s.falling != 1 else ''} since the point before {s.point}"
        for pid, s in _standings(ctx).items()
        if s.falling >= at_least
    }


# --- Support plans ------------------------------------------------------------------------------


def psp_active(ctx: Context) -> dict[int, str]:
    from support_plans.models import SupportPlan

    # Open on the day: opened by then and not closed by then (so a replay of a past week reads it as it stood).
    rows = (
        SupportPlan.objects.filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=ctx.on),
            organisation_id__in=ctx.organisation_ids,
            opened_on__lte=ctx.on,
        )
        .exclude(status=SupportPlan.Status.CLOSED, closed_on__isnull=True)
        .values_list("pupil_id", "status")
    )
    return {pid: "a Pastoral Support Programme is open" for pid, _ in rows}


def psp_failed(ctx: Context) -> dict[int, str]:
    from support_plans.models import SupportPlan

    days = int(ctx.value("psp_failed", "days"))
    rows = SupportPlan.objects.filter(
        organisation_id__in=ctx.organisation_ids,
        status=SupportPlan.Status.CLOSED,
        outcome=SupportPlan.Outcome.UNSUCCESSFUL,
        closed_on__gt=ctx.on - datetime.timedelta(days=days),
        closed_on__lte=ctx.on,
    ).values_list("pupil_id", "closed_on")
    return {pid: f"a Pastoral Support Programme closed unsuccessful on {day:%d %b %Y}" for pid, day in rows}


# --- Circumstances ------------------------------------------------------------------------------


def _sen(ctx: Context, status: str, words: str) -> dict[int, str]:
    from people.models import Pupil

    ids = Pupil.objects.filter(organisation_id__in=ctx.organisation_ids, sen_status=status)
    return dict.fromkeys(ids.values_list("pk", flat=True), words)


def sen_support(ctx: Context) -> dict[int, str]:
    return _sen(ctx, "K", "SEN support")


def ehcp(ctx: Context) -> dict[int, str]:
    return _sen(ctx, "E", "education, health and care plan")


def _factor(ctx: Context, field: str, words: str) -> dict[int, str]:
    from early_warning.models import StudentFactor

    ids = StudentFactor.objects.filter(organisation_id__in=ctx.organisation_ids, **{field: True}).values_list(
        "pupil_id", flat=True
    )
    return dict.fromkeys(ids, words)


def disadvantaged(ctx: Context) -> dict[int, str]:
    from early_warning.models import StudentFactor

    found = {}
    for pid, pp, fsm in StudentFactor.objects.filter(
        Q(pupil_premium=True) | Q(free_school_meals=True), organisation_id__in=ctx.organisation_ids
    ).values_list("pupil_id", "pupil_premium", "free_school_meals"):
        found[pid] = " and ".join(w for w, on in (("pupil premium", pp), ("free school meals", fsm)) if on)
    return found


def young_carer(ctx: Context) -> dict[int, str]:
    return _factor(ctx, "young_carer", "young carer")


def _protection(ctx: Context, statuses: set[str]) -> dict[int, str]:
    from safeguarding.models import ProtectionStatus

    latest: dict[int, tuple[str, str]] = {}
    rows = ProtectionStatus.objects.filter(
        organisation_id__in=ctx.organisation_ids, starts_on__lte=ctx.on
    ).order_by("pupil_id", "starts_on", "id")
    for pid, status, label in ((r.pupil_id, r.status, r.get_status_display()) for r in rows):
        latest[pid] = (status, label)  # the last row for a pupil is the one in force
    return {pid: label.lower() for pid, (status, label) in latest.items() if status in statuses}


def child_protection(ctx: Context) -> dict[int, str]:
    return _protection(ctx, {"cp_plan", "cin"})


def looked_after(ctx: Context) -> dict[int, str]:
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


def _days(default: int, label: str = "Window (days)") -> Param:
    return Param("days", label, default, 1, 366)


BUILT_IN = [
    Indicator(
        "attendance_low",
        "Attendance below threshold",
        3,
        attendance_low,
        (Param("below", "Below (%)", Decimal("90.0"), 0, 100, "Attendance this year below this flags."),),
        order=10,
        group="Attendance",
    ),
    Indicator(
        "attendance_falling",
        "Attendance falling",
        3,
        attendance_falling,
        (
            Param("points", "Fall of at least (percentage points)", Decimal("5.0"), 0, 100),
            Param("weeks", "Over (weeks)", 4, 1, 20),
        ),
        order=11,
        group="Attendance",
    ),
    Indicator(
        "persistent_absence",
        "Persistent absence (10% or more)",
        2,
        persistent_absence,
        order=12,
        group="Attendance",
    ),
    Indicator(
        "severe_absence", "Severe absence (50% or more)", 4, severe_absence, order=13, group="Attendance"
    ),
    Indicator(
        "unexplained",
        "Unexplained absences",
        2,
        unexplained_absence,
        (Param("sessions", "At least (sessions)", 3, 1, 100), _days(28)),
        order=14,
        group="Attendance",
    ),
    Indicator(
        "lateness",
        "Lateness",
        1,
        lateness,
        (Param("sessions", "At least (times late)", 5, 1, 100), _days(28)),
        order=15,
        group="Attendance",
    ),
    Indicator(
        "behaviour",
        "Behaviour incidents",
        2,
        behaviour,
        (
            Param("score", "Weighted score of at least", 8, 1, 500),
            _days(42),
            Param("recent_days", "Counted double within (days)", 14, 0, 366),
        ),
        order=20,
        group="Behaviour",
    ),
    Indicator(
        "suspension", "Suspension or exclusion", 4, suspension, (_days(90),), order=21, group="Behaviour"
    ),
    Indicator(
        "below_target",
        "Below target",
        2,
        below_target,
        (Param("courses", "In at least (courses)", 2, 1, 30),),
        order=30,
        group="Achievement",
    ),
    Indicator(
        "falling_grades",
        "Grades falling",
        1,
        falling_grades,
        (Param("courses", "In at least (courses)", 1, 1, 30),),
        order=31,
        group="Achievement",
    ),
    Indicator("psp_active", "Open Pastoral Support Programme", 2, psp_active, order=40, group="Support"),
    Indicator(
        "psp_failed",
        "Unsuccessful Pastoral Support Programme",
        3,
        psp_failed,
        (_days(365),),
        order=41,
        group="Support",
    ),
    Indicator(
        "sen_support", "SEN support", 1, sen_support, visible_to=sees_sen, order=50, group="Circumstances"
    ),
    Indicator("ehcp", "EHC plan", 2, ehcp, visible_to=sees_sen, order=51, group="Circumstances"),
    Indicator(
        "disadvantaged",
        "Pupil premium / free school meals",
        1,
        disadvantaged,
        order=52,
        group="Circumstances",
    ),
    Indicator("young_carer", "Young carer", 1, young_carer, order=53, group="Circumstances"),
    Indicator(
        "looked_after",
        "Looked after",
        3,
        looked_after,
        visible_to=sees_looked_after,
        order=54,
        group="Circumstances",
    ),
    Indicator(
        "child_protection",
        "Child protection or child in need",
        3,
        child_protection,
        visible_to=sees_child_protection,
        order=55,
        group="Circumstances",
    ),
]

for _indicator in BUILT_IN:
    register_indicator(_indicator)
