"""Reads with rules: the figures exactly as standards.md, registers due, the N queue, first-day calls.

Every figure is one aggregate query over the compact mark table: `category` 1 present, 2 attending,
3 authorised, 4 unauthorised, 5 not possible, 6 not counted (attendance/codes.py).
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.utils import timezone

from access.models import RoleAssignment
from access.permissions import access_for, has_role
from access.roles import Role
from attendance import rollup
from attendance.codes import Category
from attendance.models import AttendanceMark, AttendanceSettings, Register, Session
from organisations import calendar
from organisations.models import Organisation
from pastoral.naturalsort import natural_sorted
from pastoral.retention import years_before
from people.models import Group, GroupMembership, Pupil

# Who may do what in attendance (beyond a tutor's own group and a PAL's caseload).
OFFICE_ROLES = frozenset({Role.ATTENDANCE_OFFICER, Role.SCHOOL_ADMIN, Role.SENIOR_LEADER})
FIGURES_ROLES = OFFICE_ROLES | {Role.DSL, Role.DEPUTY_DSL}
N_QUEUE_SCHOOL_DAYS = 5

_COUNTS = {
    "present": Count("id", filter=Q(category=Category.PRESENT)),
    "attending": Count("id", filter=Q(category=Category.ATTENDING)),
    "authorised": Count("id", filter=Q(category=Category.AUTHORISED)),
    "unauthorised": Count("id", filter=Q(category=Category.UNAUTHORISED)),
}


def rates(counts: dict[str, int]) -> dict[str, Any]:
    """Add possible sessions, rates and the persistent/severe flags to raw category counts.

    Persistent absence is absence ≥ 10% of possible sessions (exactly 10% is persistent), severe ≥ 50%;
    compared in integers so 10% is never lost to rounding.
    """
    present, attending = counts.get("present") or 0, counts.get("attending") or 0
    authorised, unauthorised = counts.get("authorised") or 0, counts.get("unauthorised") or 0
    possible = present + attending + authorised + unauthorised
    absent = authorised + unauthorised
    return {
        "possible": possible,
        "present": present,
        "attending": attending,
        "authorised": authorised,
        "unauthorised": unauthorised,
        "attendance_rate": (present + attending) / possible if possible else None,
        "absence_rate": absent / possible if possible else None,
        "is_persistent": bool(possible) and absent * 10 >= possible,
        "is_severe": bool(possible) and absent * 2 >= possible,
    }


def summarise(marks: QuerySet) -> dict[str, Any]:
    """Figures for any set of marks (a pupil, group, year, site, school or group of schools)."""
    return rates(marks.aggregate(**_COUNTS))


def pupil_session_codes(
    *, pupil: Pupil, start: datetime.date, end: datetime.date
) -> dict[tuple[datetime.date, str], str]:
    """One pupil's recorded code for each (date, session) between two dates inclusive (public interface)."""
    return {
        (day, session): code
        for day, session, code in AttendanceMark.objects.filter(
            pupil=pupil, date__gte=start, date__lte=end
        ).values_list("date", "session", "code")
    }


def pupil_attendance_summary(*, pupil: Pupil, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """One pupil's figures between two dates inclusive (public interface for other apps)."""
    return summarise(AttendanceMark.objects.filter(pupil=pupil, date__gte=start, date__lte=end))


# --- Scopes -----------------------------------------------------------------------------------


@dataclass
class Scope:
    """What a figures page covers: one school or a group of schools, optionally narrowed."""

    organisation: Organisation
    organisation_ids: list[int]
    site_id: int | None = None
    year_group: int | None = None
    group: Group | None = None
    school: Organisation | None = None  # one member school of a group of schools

    @property
    def label(self) -> str:
        parts = [self.organisation.name]
        if self.school is not None:
            parts.append(self.school.name)
        if self.site_id:
            parts.append(str(self.organisation.sites.filter(pk=self.site_id).first() or "site"))
        if self.year_group is not None:
            parts.append("Reception" if self.year_group == 0 else f"Year {self.year_group}")
        if self.group is not None:
            parts.append(self.group.name)
        return ", ".join(parts)


def scope_for(organisation: Organisation, **narrow: Any) -> Scope:
    ids = [organisation.pk]
    if organisation.kind == Organisation.Kind.GROUP:
        ids += list(organisation.members.values_list("pk", flat=True))
    return Scope(organisation=organisation, organisation_ids=ids, **narrow)


def scope_marks(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet:
    """Marks in a scope between two dates. Pupil filters only when narrowed (the school scope reads the index)."""
    return _narrow(AttendanceMark.objects.filter(date__gte=start, date__lte=end), scope)


def _narrow(qs: QuerySet, scope: Scope) -> QuerySet:
    """Filter rows that carry `organisation` and `pupil` (marks or the weekly roll-up) to a scope."""
    if len(scope.organisation_ids) == 1:
        qs = qs.filter(organisation_id=scope.organisation_ids[0])
    else:
        qs = qs.filter(organisation_id__in=scope.organisation_ids)
    if scope.site_id:
        qs = qs.filter(pupil__site_id=scope.site_id)
    if scope.year_group is not None:
        qs = qs.filter(pupil__year_group=scope.year_group)
    if scope.group is not None:
        qs = qs.filter(pupil_id__in=GroupMembership.objects.filter(group=scope.group).values("pupil_id"))
    return qs


def per_pupil(marks: QuerySet, *, threshold: str = "") -> list[dict[str, Any]]:
    """Figures per pupil, worst first; `threshold` "persistent" or "severe" keeps only those pupils.

    One GROUP BY over possible sessions only; the HAVING clause does the ≥ 10% / ≥ 50% test in integers.
    """
    qs = (
        marks.filter(category__lte=Category.UNAUTHORISED)
        .values("pupil_id")
        .annotate(
            possible=Count("id"),
            present=Count("id", filter=Q(category=Category.PRESENT)),
            attending=Count("id", filter=Q(category=Category.ATTENDING)),
            authorised=Count("id", filter=Q(category=Category.AUTHORISED)),
            unauthorised=Count("id", filter=Q(category=Category.UNAUTHORISED)),
        )
    )
    if threshold == "persistent":
        qs = qs.filter(possible__lte=(F("authorised") + F("unauthorised")) * 10)
    elif threshold == "severe":
        qs = qs.filter(possible__lte=(F("authorised") + F("unauthorised")) * 2)
    rows = [_finish(row) for row in qs.order_by()]
    rows.sort(key=lambda r: (-r["absence_rate"], r["pupil_id"]))
    return rows


# --- Scope figures from the roll-up ------------------------------------------------------------


@dataclass
class Split:
    """A date range as whole weeks (read from the roll-up) and the days at either end (read from marks).

    `first_week`..`last_week` (Mondays, inclusive) are whole weeks; of those, `first_block`..`last_block`
    are read as four-week blocks and the rest as single weeks.
    """

    first_week: datetime.date | None
    last_week: datetime.date | None
    parts: list[tuple[datetime.date, datetime.date]]
    first_block: datetime.date | None = None
    last_block: datetime.date | None = None

    def rollup_ranges(self) -> list[Q]:
        """The roll-up rows that cover the whole weeks exactly once, as separate index ranges (blocks, the
        weeks before them, the weeks after them): each one an index range scan, where one OR of the three
        makes PostgreSQL filter every row of the organisation instead."""
        if self.first_week is None or self.last_week is None:
            return []
        week, block = rollup.WEEK, rollup.BLOCK
        if self.first_block is None or self.last_block is None:
            return [Q(span_weeks=week, starts_on__gte=self.first_week, starts_on__lte=self.last_week)]
        after_blocks = self.last_block + datetime.timedelta(weeks=block)
        ranges = [Q(span_weeks=block, starts_on__gte=self.first_block, starts_on__lte=self.last_block)]
        if self.first_week < self.first_block:
            ranges.append(Q(span_weeks=week, starts_on__gte=self.first_week, starts_on__lt=self.first_block))
        if after_blocks <= self.last_week:
            ranges.append(Q(span_weeks=week, starts_on__gte=after_blocks, starts_on__lte=self.last_week))
        return ranges


def split_range(scope: Scope, start: datetime.date, end: datetime.date) -> Split:
    """Split [start, end] into whole Monday-to-Sunday weeks (four-week blocks where they fit) and part-weeks.

    A part-week counts as whole when the scope's organisations have no marks on its days outside the
    range (usually a weekend): a range ending on Friday reads that week from the roll-up. The roll-up
    counts every mark of its span, so this is exact, never an approximation.
    """
    if end < start:
        return Split(None, None, [])

    def no_marks(a: datetime.date, b: datetime.date) -> bool:
        return (
            a > b
            or not AttendanceMark.objects.filter(
                organisation_id__in=scope.organisation_ids, date__gte=a, date__lte=b
            ).exists()
        )

    head_week, tail_week = rollup.week_of(start), rollup.week_of(end)
    head_whole = no_marks(head_week, start - datetime.timedelta(days=1))
    tail_whole = no_marks(end + datetime.timedelta(days=1), tail_week + datetime.timedelta(days=6))
    if head_week == tail_week:
        if head_whole and tail_whole:
            return Split(head_week, head_week, [])
        return Split(None, None, [(start, end)])
    first, last, parts = head_week, tail_week, []
    if not head_whole:
        first = head_week + datetime.timedelta(days=7)
        parts.append((start, first - datetime.timedelta(days=1)))
    if not tail_whole:
        last = tail_week - datetime.timedelta(days=7)
        parts.append((tail_week, end))
    if first > last:
        return Split(None, None, parts)
    blocks = rollup.whole_blocks(first, last)
    if blocks is None:
        return Split(first, last, parts)
    return Split(first, last, parts, *blocks)


def _rolled(scope: Scope, rows: Q) -> QuerySet:
    from attendance.models import AttendanceRollup

    return _narrow(AttendanceRollup.objects.filter(rows), scope)


_SUMS = {f"{c}_sum": Sum(c) for c in rollup.COLUMNS}
_SUM_NAMES = [f"{c}_sum" for c in rollup.COLUMNS]


def _per_pupil_statement(
    scope: Scope, start: datetime.date, end: datetime.date, threshold: str
) -> tuple[str, list[Any]] | None:
    """SQL (and parameters) for per-pupil category sums in a scope over any dates; None when nothing can match.

    The roll-up's index ranges for the whole weeks (four-week blocks where they fit, weeks either side) and the
    marks of any part-weeks at the ends, `UNION ALL`, summed per pupil, with the ≥ 10% / ≥ 50% test in HAVING
    (integers, so exactly 10% is persistent). Each piece is built with the ORM (so the scope's narrowing is the
    same as everywhere else); only the sum around them is written here.
    """
    split = split_range(scope, start, end)
    pieces = [
        _rolled(scope, rows_q).order_by().values_list("pupil_id", *rollup.COLUMNS)
        for rows_q in split.rollup_ranges()
    ]
    for a, b in split.parts:
        pieces.append(
            scope_marks(scope, a, b)
            .filter(category__lte=Category.UNAUTHORISED)
            .order_by()
            .annotate(
                **{c: Case(When(category=i, then=1), default=0) for i, c in enumerate(rollup.COLUMNS, 1)}
            )
            .values_list("pupil_id", *rollup.COLUMNS)
        )
    if not pieces:
        return None
    selects: list[str] = []
    params: list[Any] = []
    for i, piece in enumerate(pieces):
        sql, piece_params = piece.query.sql_with_params()
        selects.append(f"SELECT * FROM ({sql}) AS piece{i}")  # noqa: S608 SQL the ORM built; values are parameters
        params.extend(piece_params)
    possible = "SUM(present) + SUM(attending) + SUM(authorised) + SUM(unauthorised)"
    having = f"{possible} > 0"
    if threshold in ("persistent", "severe"):
        having += f" AND (SUM(authorised) + SUM(unauthorised)) * {10 if threshold == 'persistent' else 2} >= {possible}"
    statement = (
        "SELECT pupil_id, SUM(present) AS present, SUM(attending) AS attending, "  # noqa: S608
        "SUM(authorised) AS authorised, SUM(unauthorised) AS unauthorised "
        f"FROM ({' UNION ALL '.join(selects)}) AS pieces GROUP BY pupil_id HAVING {having}"
    )
    return statement, params


def _per_pupil_row(
    pupil_id: int, present: int, attending: int, authorised: int, unauthorised: int
) -> dict[str, Any]:
    return _finish(
        {
            "pupil_id": pupil_id,
            "possible": present + attending + authorised + unauthorised,
            "present": present,
            "attending": attending,
            "authorised": authorised,
            "unauthorised": unauthorised,
        }
    )


def scope_per_pupil(
    scope: Scope, start: datetime.date, end: datetime.date, *, threshold: str = ""
) -> list[dict[str, Any]]:
    """Figures per pupil in a scope over any dates, worst first (as `per_pupil`), from the roll-up: one statement."""
    built = _per_pupil_statement(scope, start, end, threshold)
    if built is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*built)
        rows = [_per_pupil_row(*found) for found in cursor.fetchall()]
    rows.sort(key=lambda r: (-r["absence_rate"], r["pupil_id"]))
    return rows


def scope_per_pupil_page(
    scope: Scope,
    start: datetime.date,
    end: datetime.date,
    *,
    threshold: str = "",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """One page of `scope_per_pupil` (same rows, same order: absence rate down, then pupil) and the total count.

    The database sorts and counts (`COUNT(*) OVER ()`), so a page of 50 from a trust's 7,000 pupils moves 50 rows.
    """
    built = _per_pupil_statement(scope, start, end, threshold)
    if built is None:
        return [], 0
    sql, params = built
    absent, possible = "(authorised + unauthorised)", "(present + attending + authorised + unauthorised)"
    paged = (
        "SELECT pupil_id, present, attending, authorised, unauthorised, COUNT(*) OVER () "  # noqa: S608
        f"FROM ({sql}) AS per_pupil ORDER BY {absent} * 1.0 / {possible} DESC, pupil_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(paged, [*params, limit, offset])
        found = cursor.fetchall()
        if not found and offset:  # past the end: the window count came with no row, so count alone
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS per_pupil", params)  # noqa: S608 built above
            return [], cursor.fetchone()[0]
    return [_per_pupil_row(*row[:5]) for row in found], (found[0][5] if found else 0)


def scope_trend(scope: Scope, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Attendance and absence rate per week (Monday) in a scope, from the roll-up plus part-weeks' marks."""
    split = split_range(scope, start, end)
    split.first_block = split.last_block = None  # weekly rows only: the trend is per week
    weeks: dict[datetime.date, list[int]] = {}
    for rows_q in split.rollup_ranges():
        for week, *values in (
            _rolled(scope, rows_q)
            .values("starts_on")
            .annotate(**_SUMS)
            .order_by()
            .values_list("starts_on", *_SUM_NAMES)
        ):
            weeks[week] = [v or 0 for v in values]
    for a, b in split.parts:
        for week, values in _trend_buckets(scope_marks(scope, a, b)).items():
            bucket = weeks.setdefault(week, [0, 0, 0, 0])
            for i, value in enumerate(values):
                bucket[i] += value
    return _trend_rows(weeks)


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    possible, absent = row["possible"], row["authorised"] + row["unauthorised"]
    row["attended"] = row["present"] + row["attending"]
    row["absent"] = absent
    row["attendance_rate"] = row["attended"] / possible
    row["absence_rate"] = absent / possible
    row["is_persistent"] = absent * 10 >= possible
    row["is_severe"] = absent * 2 >= possible
    row["absence_pct"] = f"{absent * 100 / possible:.1f}%"
    return row


def totals_of(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The scope's figures from its per-pupil rows (saves a second scan of the marks)."""
    keys = ("present", "attending", "authorised", "unauthorised")
    return rates({k: sum(r[k] for r in rows) for k in keys})


def attach_pupils(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the Pupil object to each row (one query for the rows given, e.g. one page)."""
    rows = list(rows)
    pupils = Pupil.objects.select_related("organisation").in_bulk([r["pupil_id"] for r in rows])
    for row in rows:
        row["pupil"] = pupils.get(row["pupil_id"])
    return rows


def weekly_trend(marks: QuerySet) -> list[dict[str, Any]]:
    """Attendance and absence rate per week (Monday) for any set of marks, for the chart and its table."""
    return _trend_rows(_trend_buckets(marks))


def _trend_buckets(marks: QuerySet) -> dict[datetime.date, list[int]]:
    """Category counts per week. The database groups by date (no function per row); days are added up here."""
    qs = marks.filter(category__lte=Category.UNAUTHORISED).values_list("date").annotate(**_COUNTS).order_by()
    weeks: dict[datetime.date, list[int]] = {}
    for date, *counts in qs:
        bucket = weeks.setdefault(rollup.week_of(date), [0, 0, 0, 0])
        for i, value in enumerate(counts):
            bucket[i] += value
    return weeks


def _trend_rows(weeks: dict[datetime.date, list[int]]) -> list[dict[str, Any]]:
    out = []
    for week in sorted(weeks):
        if not any(weeks[week]):
            continue
        figures = rates(dict(zip(rollup.COLUMNS, weeks[week], strict=True)))
        figures["week"] = week
        out.append(figures)
    return out


# --- School days, registers due ---------------------------------------------------------------


# The calendar lives in the foundation (organisations/calendar.py): weekends, term dates, whole-school and site
# closures. These two names stay here because other apps and the docs know them as attendance's interface.
school_days = calendar.school_days_between
school_days_before = calendar.school_days_before


def settings_for(organisation: Organisation) -> AttendanceSettings:
    """The school's register times (defaults when never set); read once per organisation object."""
    cached: AttendanceSettings | None = organisation.__dict__.get("_attendance_settings")
    if cached is None:
        found: AttendanceSettings | None
        related = Organisation.attendance_settings.related  # type: ignore[attr-defined]
        if related.is_cached(organisation):  # loaded with select_related("…attendance_settings")
            found = cast("AttendanceSettings | None", related.get_cached_value(organisation))
        else:
            found = AttendanceSettings.objects.filter(organisation=organisation).first()
        cached = found or AttendanceSettings(organisation=organisation)
        organisation.__dict__["_attendance_settings"] = cached
    return cached


def register_closes(organisation: Organisation, date: datetime.date, session: str) -> datetime.datetime:
    closes = settings_for(organisation).closes_at(session)
    return timezone.make_aware(datetime.datetime.combine(date, closes))


def is_register_closed(
    organisation: Organisation, date: datetime.date, session: str, now: datetime.datetime | None = None
) -> bool:
    return (now or timezone.now()) > register_closes(organisation, date, session)


def current_session(now: datetime.datetime | None = None) -> str:
    return Session.AM if timezone.localtime(now or timezone.now()).hour < 12 else Session.PM


def register_pupils(group: Group, date: datetime.date) -> list[Pupil]:
    """The pupils on the group's register on a date (dated memberships)."""
    members = GroupMembership.objects.current(date).filter(group=group).values("pupil_id")
    return list(Pupil.objects.filter(pk__in=members).order_by("legal_last_name", "legal_first_name"))


def register_pupil_ids(group: Group, date: datetime.date) -> list[int]:
    """The ids of the pupils on the group's register on a date (no Pupil objects built)."""
    return list(GroupMembership.objects.current(date).filter(group=group).values_list("pupil_id", flat=True))


def register_rows(group: Group, date: datetime.date, session: str) -> list[dict[str, Any]]:
    pupils = register_pupils(group, date)
    marks = {
        m.pupil_id: m
        for m in AttendanceMark.objects.filter(
            pupil_id__in=[p.pk for p in pupils], date=date, session=session
        ).only("pupil_id", "code", "minutes_late", "category")
    }
    return [{"pupil": p, "mark": marks.get(p.pk)} for p in pupils]


def tutors_of(group_ids: Iterable[int], on: datetime.date | None = None) -> dict[int, list[Any]]:
    """Who is responsible for each group's register: its current tutor role assignments."""
    found: dict[int, list[Any]] = {}
    for ra in (
        RoleAssignment.objects.current(on)
        .filter(role=Role.TUTOR, group_id__in=list(group_ids))
        .select_related("user")
    ):
        if ra.group_id is not None:
            found.setdefault(ra.group_id, []).append(ra.user)
    return found


def registers_not_taken(
    organisation: Organisation, date: datetime.date, session: str
) -> list[dict[str, Any]]:
    """Tutor groups with pupils whose register for the session is not taken, with who is responsible.

    None on a day that is not a school day, and none of a group whose site is shut that day."""
    shut = calendar.calendar_for(organisation, date, date)
    if not shut.is_school_day(date):
        return []
    closed_sites = shut.closed_sites(date)
    taken = Register.objects.filter(
        organisation=organisation, date=date, session=session, lesson="", taken_at__isnull=False
    ).values("group_id")
    with_pupils = GroupMembership.objects.current(date).filter(organisation=organisation).values("group_id")
    groups = natural_sorted(
        Group.objects.filter(organisation=organisation, kind=Group.Kind.TUTOR, pk__in=with_pupils).exclude(
            pk__in=taken
        ),
        key=lambda g: g.name,
    )
    if closed_sites:
        groups = [g for g in groups if g.site_id not in closed_sites]
    tutors = tutors_of([g.pk for g in groups], date)
    return [{"group": g, "responsible": tutors.get(g.pk, [])} for g in groups]


def _why_no_register(groups: list[Group], date: datetime.date) -> dict[int, str]:
    """Why each group has no register on a date ("" when it has one): its school's and site's calendar."""
    calendars = {
        org_id: calendar.calendar_for(org_id, date, date) for org_id in {g.organisation_id for g in groups}
    }
    return {g.pk: calendars[g.organisation_id].why_not(date, g.site_id) for g in groups}


def group_registers(groups: list[Group], date: datetime.date) -> dict[str, Any]:
    """Each group's session registers on a date, taken or not (a tutor's registers).

    `rows` is empty and `day_off` says why when the day is a school day for none of the groups; a group whose
    site alone is shut keeps its row, with `why_not` set and no register due."""
    why = _why_no_register(groups, date)
    if not groups:
        return {"rows": [], "day_off": None}
    if all(why.values()):
        day_off = calendar.day_off(groups[0].organisation_id, date)
        if day_off is not None:
            return {"rows": [], "day_off": day_off}
    taken = set(
        Register.objects.filter(group__in=groups, date=date, lesson="", taken_at__isnull=False).values_list(
            "group_id", "session"
        )
    )
    rows = [
        {
            "group": g,
            "why_not": why[g.pk],
            "sessions": [
                {"session": s, "label": Session(s).label, "taken": (g.pk, s) in taken} for s in Session.values
            ],
        }
        for g in groups
    ]
    return {"rows": rows, "day_off": None}


def tutor_groups_for(user: Any) -> QuerySet:
    """Groups whose register this user takes (their tutor role assignments)."""
    ids = [g.group_id for g in access_for(user).grants if g.role == Role.TUTOR and g.group_id]
    return Group.objects.filter(pk__in=ids).order_by("name")


def can_take_register(user: Any, group: Group) -> bool:
    """The group's tutor, the PAL whose caseload holds the group, or the attendance office of the school."""
    access = access_for(user)
    if any(g.role in (Role.TUTOR, Role.PAL) and g.group_id == group.pk for g in access.grants):
        return True
    return has_role(user, OFFICE_ROLES, group.organisation_id)


def can_see_figures(user: Any, organisation: Organisation) -> bool:
    return has_role(user, FIGURES_ROLES, organisation.pk)


def is_office(user: Any, organisation_id: int) -> bool:
    return has_role(user, OFFICE_ROLES, organisation_id)


def can_follow_up(user: Any, pupil: Pupil) -> bool:
    """The office, or a PAL whose caseload includes the pupil, may log contacts and send letters."""
    if is_office(user, pupil.organisation_id):
        return True
    pal_groups = [g.group_id for g in access_for(user).grants if g.role == Role.PAL and g.group_id]
    return (
        bool(pal_groups)
        and GroupMembership.objects.current().filter(pupil=pupil, group_id__in=pal_groups).exists()
    )


# --- Work queues ------------------------------------------------------------------------------


def n_queue(organisation: Organisation, today: datetime.date | None = None) -> QuerySet:
    """`N` marks older than 5 school days: flagged until resolved to a reason or `O`."""
    today = today or timezone.localdate()
    cutoff = school_days_before(organisation, today, N_QUEUE_SCHOOL_DAYS)
    return (
        AttendanceMark.objects.filter(organisation=organisation, code="N", date__lt=cutoff)
        .select_related("pupil")
        .order_by("date", "session", "pupil__legal_last_name")
    )


def unresolved_n(organisation: Organisation) -> QuerySet:
    return AttendanceMark.objects.filter(organisation=organisation, code="N").select_related("pupil")


def first_day_absences(
    organisation: Organisation, date: datetime.date, pupil_ids: Iterable[int] | None = None
) -> list[dict[str, Any]]:
    """Today's absences with no reason (`N`): the first-day calls, with the first contact to ring."""
    marks = AttendanceMark.objects.filter(organisation=organisation, date=date, code="N").select_related(
        "pupil"
    )
    if pupil_ids is not None:
        marks = marks.filter(pupil_id__in=list(pupil_ids))
    by_pupil: dict[int, dict[str, Any]] = {}
    for mark in marks.order_by("pupil__legal_last_name", "session"):
        entry = by_pupil.setdefault(
            mark.pupil_id, {"pupil": mark.pupil, "sessions": [], "contact": None, "logged": False}
        )
        entry["sessions"].append(mark.session)
    if by_pupil:
        from attendance.models import ContactLog
        from people.models import PupilContact

        for link in (
            PupilContact.objects.filter(pupil_id__in=by_pupil).select_related("contact").order_by("-priority")
        ):
            by_pupil[link.pupil_id]["contact"] = link.contact
        logged = ContactLog.objects.filter(pupil_id__in=by_pupil, occurred_at__date=date).values_list(
            "pupil_id", flat=True
        )
        for pid in logged:
            by_pupil[pid]["logged"] = True
    return list(by_pupil.values())


def pupil_history(pupil: Pupil, start: datetime.date, end: datetime.date) -> list[AttendanceMark]:
    return list(
        AttendanceMark.objects.filter(pupil=pupil, date__gte=start, date__lte=end).order_by(
            "-date", "-session"
        )
    )


def academic_year_start(on: datetime.date) -> datetime.date:
    return datetime.date(on.year if on.month >= 9 else on.year - 1, 9, 1)


# --- Pastoral & Attendance Lead -------------------------------------------------------------


def pal_groups(user: Any) -> list[Group]:
    ids = [g.group_id for g in access_for(user).grants if g.role == Role.PAL and g.group_id]
    return natural_sorted(Group.objects.filter(pk__in=ids).select_related("organisation"), key=lambda g: g.name)


def caseload_today(user: Any, today: datetime.date) -> dict[str, Any] | None:
    """Today's attendance for each caseload group, registers to check and students at risk.

    A group's registers are due only on a school day for its school and site (`is_school_day`, else `why_not`);
    `day_off` says why and offers the next school day when no caseload group has one today."""
    groups = pal_groups(user)
    if not groups:
        return None
    members = list(
        GroupMembership.objects.current(today).filter(group__in=groups).values_list("group_id", "pupil_id")
    )
    pupil_ids = {p for _, p in members}
    marks = AttendanceMark.objects.filter(pupil_id__in=pupil_ids, date=today).values_list(
        "pupil_id", "session", "category", "code"
    )
    by_pupil: dict[int, list[tuple[str, int, str]]] = {}
    for pid, session, category, code in marks:
        by_pupil.setdefault(pid, []).append((session, category, code))
    taken = set(
        Register.objects.filter(group__in=groups, date=today, lesson="", taken_at__isnull=False).values_list(
            "group_id", "session"
        )
    )
    why = _why_no_register(groups, today)
    rows = []
    for g in groups:
        ids = [p for gid, p in members if gid == g.pk]
        why_not = why[g.pk]
        present = sum(1 for p in ids for _, c, _ in by_pupil.get(p, []) if c <= 2)
        absent = sum(1 for p in ids for _, c, _ in by_pupil.get(p, []) if c in (3, 4))
        unexplained = sum(1 for p in ids for _, _, code in by_pupil.get(p, []) if code == "N")
        rows.append(
            {
                "group": g,
                "pupils": len(ids),
                "present": present,
                "absent": absent,
                "unexplained": unexplained,
                "am_taken": (g.pk, "AM") in taken,
                "pm_taken": (g.pk, "PM") in taken,
                "is_school_day": not why_not,
                "why_not": why_not,
            }
        )
    start = academic_year_start(today)
    at_risk = attach_pupils(
        per_pupil(
            AttendanceMark.objects.filter(pupil_id__in=pupil_ids, date__gte=start, date__lte=today),
            threshold="persistent",
        )
    )
    calls = []
    for org in {g.organisation for g in groups}:
        calls += first_day_absences(org, today, pupil_ids)
    day_off = None
    if not any(r["is_school_day"] for r in rows):  # the whole caseload is off: say so once
        day_off = calendar.day_off(groups[0].organisation_id, today)
    return {
        "rows": rows,
        "at_risk": at_risk,
        "calls": calls,
        # A register is missing only on a school day; a recorded N is followed up whatever the day.
        "to_check": [r for r in rows if (r["is_school_day"] and not r["am_taken"]) or r["unexplained"]],
        "day_off": day_off,
    }


# --- Lesson registers (internal monitoring; never part of the statutory figures) -------------

# Codes that mean "not in the lesson" for the post-registration truancy list.
LESSON_ABSENT_CATEGORIES = (Category.AUTHORISED, Category.UNAUTHORISED)


def can_take_lesson_register(user: Any, group: Group) -> bool:
    """Whoever teaches the group (a tutor role assignment on it: form, course or teaching group), or the office.

    The MIS import brings no timetable, so "who teaches this group" is a tutor role on the group; the office
    (attendance officer, school administrator, senior leader) covers a lesson whose teacher has no role yet.
    """
    return can_take_register(user, group)


def lesson_register_groups(user: Any, organisation: Organisation) -> QuerySet:
    """The groups of a school (or of a group's schools) whose lesson registers this user may take."""
    qs = Group.objects.filter(organisation_id__in=scope_for(organisation).organisation_ids)
    if is_office(user, organisation.pk):
        return qs.order_by("name")
    ids = [g.group_id for g in access_for(user).grants if g.role == Role.TUTOR and g.group_id]
    return qs.filter(pk__in=ids).order_by("name")


def lesson_register_rows(
    group: Group, date: datetime.date, session: str, lesson: str
) -> tuple[Register | None, list[dict[str, Any]]]:
    """The lesson register (if taken) and one row per pupil on the group on that date, with any lesson mark."""
    from attendance.models import LessonMark

    register = Register.objects.filter(group=group, date=date, session=session, lesson=lesson).first()
    pupils = register_pupils(group, date)
    marks = {}
    if register is not None:
        marks = {m.pupil_id: m for m in LessonMark.objects.filter(register=register)}
    return register, [{"pupil": p, "mark": marks.get(p.pk)} for p in pupils]


def lesson_registers_on(groups: QuerySet | Iterable[Group], date: datetime.date) -> QuerySet:
    """Lesson registers taken for these groups on a date."""
    return (
        Register.objects.filter(group__in=groups, date=date, taken_at__isnull=False)
        .exclude(lesson="")
        .select_related("group", "taken_by")
        .order_by("session", "lesson", "group__name")
    )


def post_registration_truancy(organisation: Organisation, date: datetime.date) -> QuerySet:
    """Lesson absences on a date by pupils present (or attending) at that session's statutory register.

    Matched on the same session as the lesson: absent from a morning lesson after a present morning mark.
    Each row is a LessonMark with `session_code` (the statutory mark) annotated.
    """
    from django.db.models import Exists, OuterRef, Subquery

    from attendance.codes import codes_in
    from attendance.models import LessonMark

    statutory = AttendanceMark.objects.filter(
        pupil_id=OuterRef("pupil_id"), date=date, session=OuterRef("register__session")
    )
    return (
        LessonMark.objects.filter(
            organisation_id__in=scope_for(organisation).organisation_ids,
            register__date=date,
            code__in=codes_in(*LESSON_ABSENT_CATEGORIES),
        )
        .filter(Exists(statutory.filter(category__lte=Category.ATTENDING)))
        .annotate(session_code=Subquery(statutory.values("code")[:1]))
        .select_related("pupil", "register", "register__group", "recorded_by")
        .order_by(
            "register__session", "pupil__legal_last_name", "pupil__legal_first_name", "register__lesson"
        )
    )


# --- Escalation for persistent absence ---------------------------------------------------------


def current_stages(organisation: Organisation, since: datetime.date) -> dict[int, dict[str, Any]]:
    """Each pupil's highest escalation stage reached since a date: {pupil_id: {"order", "started_on"}}."""
    from attendance.models import PupilEscalation

    reached: dict[int, dict[str, Any]] = {}
    for pid, order, started_on in PupilEscalation.objects.filter(
        organisation=organisation, started_on__gte=since
    ).values_list("pupil_id", "stage__order", "started_on"):
        best = reached.get(pid)
        if best is None or (order, started_on) > (best["order"], best["started_on"]):
            reached[pid] = {"order": order, "started_on": started_on}
    return reached


def escalations_due(organisation: Organisation, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Pupils who meet the entry rule of their next escalation stage this academic year, one stage at a time.

    A pupil's next stage is the first stage (by order) above the highest one they reached since the start of
    the academic year. It is due when the stage has a threshold and, over the academic year to date:
    possible sessions ≥ the stage's minimum, absence × 100 ≥ threshold × possible (integers: exactly at the
    threshold is due), and at least the stage's school days have passed since the previous stage (counted
    from the day after it started to today). A stage without a threshold is recorded by hand and holds
    the pupil there. Pupils who have left are not listed.
    """
    from attendance.models import EscalationStage

    today = today or timezone.localdate()
    start = academic_year_start(today)
    stages = list(EscalationStage.objects.filter(organisation=organisation).select_related("letter_template"))
    if not any(s.threshold_percent for s in stages):
        return []
    rows = scope_per_pupil(scope_for(organisation), start, today)
    reached = current_stages(organisation, start)
    pupils = (
        Pupil.objects.filter(organisation=organisation)
        .exclude(left_on__lt=today)
        .in_bulk([r["pupil_id"] for r in rows])
    )
    year_days: list[datetime.date] | None = None  # the year's school days, loaded once if a rule needs them
    due = []
    for row in rows:
        pupil = pupils.get(row["pupil_id"])
        if pupil is None:
            continue
        previous = reached.get(pupil.pk)
        after = previous["order"] if previous else None
        stage = next((s for s in stages if after is None or s.order > after), None)
        if stage is None or not stage.threshold_percent:
            continue
        if row["possible"] < stage.min_possible_sessions:
            continue
        if row["absent"] * 100 < stage.threshold_percent * row["possible"]:
            continue
        if previous and stage.min_school_days_since_previous:
            if year_days is None:
                year_days = school_days(organisation, start, today)
            since_previous = len(year_days) - bisect.bisect_right(year_days, previous["started_on"])
            if since_previous < stage.min_school_days_since_previous:
                continue
        due.append({**row, "pupil": pupil, "stage": stage, "previous": previous})
    due.sort(key=lambda r: (r["stage"].order, -r["absence_rate"], r["pupil"].legal_last_name))
    return due


# --- Retention ---------------------------------------------------------------------------------
# A pupil under a retention hold (`Pupil.retention_hold`: a claim, an inquiry) keeps every record: the hold
# overrides every period below, the statutory six years included.
NOT_HELD = Q(pupil__retention_hold="")


def expired_amendments(organisation: Organisation, today: datetime.date) -> QuerySet:
    """Amendments whose `keep_until` (six years after the amendment) is before today."""
    from attendance.models import MarkAmendment

    cutoff = years_before(today, MarkAmendment.RETENTION_YEARS)
    # keep_until is computed from amended_at's date in UTC (as stored), so the cutoff is too.
    moment = datetime.datetime.combine(cutoff, datetime.time.min, tzinfo=datetime.UTC)
    return MarkAmendment.objects.filter(NOT_HELD, organisation=organisation, amended_at__lt=moment)


def expired_marks(organisation: Organisation, today: datetime.date) -> QuerySet:
    """Statutory marks dated more than six years ago: register entries are kept six years (standards.md)."""
    from attendance.models import MarkAmendment

    return AttendanceMark.objects.filter(
        NOT_HELD, organisation=organisation, date__lt=years_before(today, MarkAmendment.RETENTION_YEARS)
    )


def expired_registers(organisation: Organisation, today: datetime.date) -> QuerySet:
    """Session and lesson registers dated more than six years ago (their lesson marks go with them), but not
    a lesson register holding a mark of a pupil under a retention hold."""
    from attendance.models import MarkAmendment

    return Register.objects.filter(
        organisation=organisation, date__lt=years_before(today, MarkAmendment.RETENTION_YEARS)
    ).exclude(lesson_marks__pupil__retention_hold__gt="")


def expired_contact_logs(organisation: Organisation, today: datetime.date) -> QuerySet:
    """Contact logs of pupils who left more than the school's set number of years ago (none if it set none)."""
    from attendance.models import ContactLog

    years = settings_for(organisation).contact_log_years_after_leaving
    if years is None:
        return ContactLog.objects.none()
    return ContactLog.objects.filter(
        NOT_HELD,
        organisation=organisation,
        pupil__left_on__isnull=False,
        pupil__left_on__lt=years_before(today, years),
    )
