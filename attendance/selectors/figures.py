"""Figures exactly as standards.md: rates, scopes, per-pupil rows and the weekly trend (from the roll-up), one pupil's marks.

Every figure counts the compact mark table's `category` (1 present, 2 attending, 3 authorised, 4 unauthorised,
5 not possible, 6 not counted: attendance/codes.py), or the roll-up's sums of it (attendance/rollup.py).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Sum, When

from attendance import rollup
from attendance.codes import CODES, Category
from attendance.models import AttendanceMark
from attendance.selectors.registers import loader
from organisations.models import Organisation
from organisations.vocabulary import vocabulary_for
from people.models import Group, GroupMembership, Pupil

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
            parts.append(vocabulary_for(self.school or self.organisation).year_label(self.year_group))
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

    One GROUP BY over possible sessions only; the HAVING clause does the ≥ 10% / ≥ 50% test in integers. Rows
    carry the pupil's `organisation_id`, as `scope_per_pupil`'s do.
    """
    qs = (
        marks.filter(category__lte=Category.UNAUTHORISED)
        .values("organisation_id", "pupil_id")
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

    table = connection.ops.quote_name(AttendanceMark._meta.db_table)
    ids = list(scope.organisation_ids)

    def no_marks(a: datetime.date, b: datetime.date) -> bool:
        """No marks in the scope's organisations from a to b (a plain statement: every figures page asks twice)."""
        if a > b or not ids:
            return True
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE organisation_id IN ({', '.join(['%s'] * len(ids))}) "  # noqa: S608
                "AND date >= %s AND date <= %s LIMIT 1",
                [*ids, connection.ops.adapt_datefield_value(a), connection.ops.adapt_datefield_value(b)],
            )
            return cursor.fetchone() is None

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
    scope: Scope, start: datetime.date, end: datetime.date, threshold: str, split: Split | None = None
) -> tuple[str, list[Any]] | None:
    """SQL (and parameters) for per-pupil category sums in a scope over any dates; None when nothing can match.
    Its rows are (organisation id, pupil id, present, attending, authorised, unauthorised).

    The roll-up's index ranges for the whole weeks (four-week blocks where they fit, weeks either side) and the
    marks of any part-weeks at the ends, `UNION ALL`, summed per pupil, with the ≥ 10% / ≥ 50% test in HAVING
    (integers, so exactly 10% is persistent). Each piece is built with the ORM (so the scope's narrowing is the
    same as everywhere else); only the sum around them is written here.

    Every piece leads with `organisation_id` and the sums group by it as well as the pupil (a pupil is in one
    organisation, so the rows are the same): on Citus the whole statement then runs on each shard, every pupil's
    rows being on one, and only the pupils' sums come back. Grouped by the pupil alone, Citus fetched every piece
    to the coordinator and summed there (docs/performance.md, "Session 9: Citus reads").
    """
    split = split or split_range(scope, start, end)
    pieces = [
        _rolled(scope, rows_q).order_by().values_list("organisation_id", "pupil_id", *rollup.COLUMNS)
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
            .values_list("organisation_id", "pupil_id", *rollup.COLUMNS)
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
        "SELECT organisation_id, pupil_id, SUM(present) AS present, SUM(attending) AS attending, "  # noqa: S608
        "SUM(authorised) AS authorised, SUM(unauthorised) AS unauthorised "
        f"FROM ({' UNION ALL '.join(selects)}) AS pieces GROUP BY organisation_id, pupil_id HAVING {having}"
    )
    return statement, params


def _per_pupil_row(
    organisation_id: int, pupil_id: int, present: int, attending: int, authorised: int, unauthorised: int
) -> dict[str, Any]:
    return _finish(
        {
            "organisation_id": organisation_id,
            "pupil_id": pupil_id,
            "possible": present + attending + authorised + unauthorised,
            "present": present,
            "attending": attending,
            "authorised": authorised,
            "unauthorised": unauthorised,
        }
    )


def scope_per_pupil(
    scope: Scope, start: datetime.date, end: datetime.date, *, threshold: str = "", split: Split | None = None
) -> list[dict[str, Any]]:
    """Figures per pupil in a scope over any dates, worst first (as `per_pupil`), from the roll-up: one statement.
    `split` is `split_range(scope, start, end)` when the caller already has it (a page that also draws the trend)."""
    built = _per_pupil_statement(scope, start, end, threshold, split)
    if built is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*built)
        rows = [_per_pupil_row(*found) for found in cursor.fetchall()]
    rows.sort(key=lambda r: (-r["absence_rate"], r["pupil_id"]))
    return rows


def scope_sums(scope: Scope, start: datetime.date, end: datetime.date) -> dict[int, tuple[int, int, int]]:
    """Per pupil (attended, absent, possible) over any dates in a scope: `scope_per_pupil`'s statement with the
    bare sums (no rates, no sorting) for a reader that compares them itself (the early-warning list)."""
    built = _per_pupil_statement(scope, start, end, "")
    if built is None:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(*built)
        return {
            pid: (
                present + attending,
                authorised + unauthorised,
                present + attending + authorised + unauthorised,
            )
            for _, pid, present, attending, authorised, unauthorised in cursor.fetchall()
        }


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
        "SELECT organisation_id, pupil_id, present, attending, authorised, unauthorised, COUNT(*) OVER () "  # noqa: S608
        f"FROM ({sql}) AS per_pupil ORDER BY {absent} * 1.0 / {possible} DESC, pupil_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(paged, [*params, limit, offset])
        found = cursor.fetchall()
        if not found and offset:  # past the end: the window count came with no row, so count alone
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS per_pupil", params)  # noqa: S608 built above
            return [], cursor.fetchone()[0]
    return [_per_pupil_row(*row[:6]) for row in found], (found[0][6] if found else 0)


def scope_headline(
    scope: Scope, start: datetime.date, end: datetime.date, *, split: Split | None = None, worst: int = 20
) -> dict[str, Any]:
    """What the dashboard shows of the per-pupil figures, without bringing every pupil's row back: the scope's
    totals (as `totals_of(scope_per_pupil(...))`), how many pupils have possible sessions, how many are
    persistently and severely absent, and the `worst` pupils' rows in `scope_per_pupil`'s order.

    One statement: the per-pupil sums of `_per_pupil_statement`, window sums over all of them, sorted and cut to
    `worst` rows by the database (for 1,000 pupils, 20 rows cross the wire instead of 1,000).
    """
    built = _per_pupil_statement(scope, start, end, "", split)
    found: list[tuple[Any, ...]] = []
    if built is not None:
        sql, params = built
        absent, possible = "(authorised + unauthorised)", "(present + attending + authorised + unauthorised)"
        statement = (
            "SELECT organisation_id, pupil_id, present, attending, authorised, unauthorised, COUNT(*) OVER (), "  # noqa: S608
            "SUM(present) OVER (), SUM(attending) OVER (), SUM(authorised) OVER (), SUM(unauthorised) OVER (), "
            f"SUM(CASE WHEN {absent} * 10 >= {possible} THEN 1 ELSE 0 END) OVER (), "
            f"SUM(CASE WHEN {absent} * 2 >= {possible} THEN 1 ELSE 0 END) OVER () "
            f"FROM ({sql}) AS per_pupil ORDER BY {absent} * 1.0 / {possible} DESC, pupil_id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [*params, max(worst, 1)])
            found = cursor.fetchall()
    if not found:
        return {"pupils": 0, "persistent": 0, "severe": 0, "totals": rates({}), "worst": []}
    first = [int(value or 0) for value in found[0][6:]]  # PostgreSQL sums bigints as numeric
    return {
        "pupils": first[0],
        "totals": rates(
            dict(zip(("present", "attending", "authorised", "unauthorised"), first[1:5], strict=True))
        ),
        "persistent": first[5],
        "severe": first[6],
        "worst": [_per_pupil_row(*row[:6]) for row in found[:worst]],
    }


def scope_trend(
    scope: Scope, start: datetime.date, end: datetime.date, *, split: Split | None = None
) -> list[dict[str, Any]]:
    """Attendance and absence rate per week (Monday) in a scope, from the roll-up plus part-weeks' marks."""
    split = dataclasses.replace(split) if split else split_range(scope, start, end)
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
    """Add the Pupil object to each per-pupil row (one query for the rows given, e.g. one page). The query names
    the rows' organisations as well as the pupils: on Citus it then goes to those schools' shards only."""
    rows = list(rows)
    pupils = _pupils_with_organisation(
        list({r["pupil_id"] for r in rows}), sorted({r["organisation_id"] for r in rows})
    )
    for row in rows:
        row["pupil"] = pupils.get(row["pupil_id"])
    return rows


def _pupils_with_organisation(ids: list[int], organisation_ids: list[int]) -> dict[int, Pupil]:
    """`Pupil.objects.select_related("organisation").filter(organisation__in=organisation_ids).in_bulk(ids)` as one
    plain statement (a page's 20–50 pupils: the ORM's compiling of it cost more than the database's reading)."""
    if not ids:
        return {}
    pupil_l, org_l = loader(Pupil, "p"), loader(Organisation, "o")
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pupil_l.columns}, {org_l.columns} FROM {qn(Pupil._meta.db_table)} p "  # noqa: S608
            f"JOIN {qn(Organisation._meta.db_table)} o ON o.id = p.organisation_id "
            f"WHERE p.id IN ({', '.join(['%s'] * len(ids))}) "
            f"AND p.organisation_id IN ({', '.join(['%s'] * len(organisation_ids))})",
            [*ids, *organisation_ids],
        )
        found = cursor.fetchall()
    n = len(pupil_l.names)
    pupils = {}
    for row in found:
        pupil = pupil_l.build(Pupil, row[:n])
        Pupil.organisation.field.set_cached_value(pupil, org_l.build(Organisation, row[n:]))  # type: ignore[attr-defined]
        pupils[pupil.pk] = pupil
    return pupils


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


@dataclass(frozen=True)
class MarkRow:
    """One mark on a pupil's attendance page, ready to show (no model instance, no template filter)."""

    date: datetime.date
    session: str
    code: str
    minutes_late: int | None
    category: int

    @property
    def date_label(self) -> str:
        return _day_label(self.date)

    @property
    def meaning(self) -> str:
        return CODES[self.code].meaning


@functools.lru_cache(maxsize=1024)
def _day_label(day: datetime.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"  # as the `date:"D j M Y"` filter, for English


def pupil_marks(pupil: Pupil, start: datetime.date, end: datetime.date) -> list[MarkRow]:
    """One pupil's marks between two dates inclusive, newest first, as plain rows (one query)."""
    return [
        MarkRow(*values)
        for values in AttendanceMark.objects.filter(pupil=pupil, date__gte=start, date__lte=end)
        .order_by("-date", "-session")
        .values_list("date", "session", "code", "minutes_late", "category")
    ]


def summary_of(rows: Iterable[MarkRow]) -> dict[str, Any]:
    """The figures of a list of marks (as `summarise`, counted here rather than by a second query)."""
    counts = [0, 0, 0, 0, 0, 0, 0]
    for row in rows:
        counts[row.category] += 1
    return rates(
        {
            "present": counts[Category.PRESENT],
            "attending": counts[Category.ATTENDING],
            "authorised": counts[Category.AUTHORISED],
            "unauthorised": counts[Category.UNAUTHORISED],
        }
    )


def pupil_history(pupil: Pupil, start: datetime.date, end: datetime.date) -> list[AttendanceMark]:
    return list(
        AttendanceMark.objects.filter(pupil=pupil, date__gte=start, date__lte=end).order_by(
            "-date", "-session"
        )
    )


def academic_year_start(on: datetime.date) -> datetime.date:
    return datetime.date(on.year if on.month >= 9 else on.year - 1, 9, 1)
