"""The roll-up: per pupil, possible sessions counted by category over every week and every four-week block.

Marks (`AttendanceMark`) are the record. `AttendanceRollup` is derived from them so that school and trust
figures read a dozen rows a pupil for a year instead of ~380 marks. It must never drift:

- every write path that changes marks calls `apply` in the same transaction, with what each mark's category
  was before and is now (`AttendanceMark.save`/`delete` do it for single marks; the services do it for their
  bulk writes);
- `rebuild` recomputes rows from the marks (bulk loads: the demo world, the benchmark, after deletions);
- `differences` recomputes independently (in Python) and lists every row that disagrees; the tests run it
  after every write path, and `manage.py attendance_rollup --check` runs it on a live database.

Only categories 1–4 (possible sessions) are counted; 5 (not possible) and 6 (not counted) never are.
Weeks start on Monday; blocks are four weeks counted from Monday 1 January 1990, so a block always holds
four whole weeks and a date range splits cleanly into blocks, weeks and days (`selectors.split_range`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from attendance.codes import Category
from core.db import prepared_cursor

COUNTED = (Category.PRESENT, Category.ATTENDING, Category.AUTHORISED, Category.UNAUTHORISED)
COLUMNS = ("present", "attending", "authorised", "unauthorised")
WEEK, BLOCK = 1, 4  # span_weeks of the two kinds of row
EPOCH = datetime.date(1990, 1, 1)  # a Monday: blocks are counted from here
_BATCH = 1000


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the week a date falls in."""
    return day - datetime.timedelta(days=day.weekday())


def block_of(day: datetime.date) -> datetime.date:
    """The Monday the four-week block holding a date starts on."""
    return EPOCH + datetime.timedelta(days=(day - EPOCH).days // (7 * BLOCK) * (7 * BLOCK))


def whole_blocks(
    first_week: datetime.date, last_week: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """The first and last four-week blocks lying wholly within the weeks `first_week`..`last_week` (Mondays,
    inclusive), or None when no whole block fits."""
    span = datetime.timedelta(weeks=BLOCK)
    first = block_of(first_week)
    if first < first_week:
        first += span
    last = block_of(last_week)
    if last + span - datetime.timedelta(weeks=1) > last_week:
        last -= span
    return (first, last) if first <= last else None


@dataclass(frozen=True)
class Change:
    """One mark's category before (None: there was no mark) and after (None: the mark is gone)."""

    organisation_id: int
    pupil_id: int
    date: datetime.date
    old: int | None
    new: int | None


def _deltas(changes: Iterable[Change]) -> dict[tuple[int, int, datetime.date], list[int]]:
    """Per (pupil, span, start): [organisation_id, Δpresent, Δattending, Δauthorised, Δunauthorised]."""
    deltas: dict[tuple[int, int, datetime.date], list[int]] = {}
    for change in changes:
        if change.old == change.new:
            continue
        for span, start in ((WEEK, week_of(change.date)), (BLOCK, block_of(change.date))):
            row = deltas.setdefault((change.pupil_id, span, start), [change.organisation_id, 0, 0, 0, 0])
            if change.old is not None and change.old <= Category.UNAUTHORISED:
                row[change.old] -= 1
            if change.new is not None and change.new <= Category.UNAUTHORISED:
                row[change.new] += 1
    return deltas


def apply(changes: Iterable[Change]) -> int:
    """Add the changes to the roll-up: an upsert per pupil-week and pupil-block, in key order so concurrent
    writers lock rows in the same order and never deadlock.

    Call inside the transaction that writes the marks. Returns the number of rows touched.
    """
    from attendance.models import AttendanceRollup

    rows = [
        (values[0], pupil_id, span, start, *values[1:])
        for (pupil_id, span, start), values in sorted(_deltas(changes).items())
        if any(values[1:])
    ]
    if not rows:
        return 0
    table = connection.ops.quote_name(AttendanceRollup._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COLUMNS)
    insert = f"INSERT INTO {table} (organisation_id, pupil_id, span_weeks, starts_on, {', '.join(COLUMNS)}) "  # noqa: S608
    upsert = f"ON CONFLICT (organisation_id, pupil_id, span_weeks, starts_on) DO UPDATE SET {updates}"
    # Only table and column names from this module are interpolated; every value is a parameter.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array a column: the statement's text (and so its parse) is the same however many rows.
            columns = [list(column) for column in zip(*rows, strict=True)]
            arrays = "%s::bigint[], %s::bigint[], %s::smallint[], %s::date[], " + ", ".join(
                ["%s::smallint[]"] * 4
            )
            cursor.execute(f"{insert}SELECT * FROM UNNEST({arrays}) {upsert}", columns)  # noqa: S608
            return len(rows)
        for i in range(0, len(rows), _BATCH):
            batch = rows[i : i + _BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(batch))
            params: list[Any] = []
            for org, pupil, span, start, *counts in batch:
                params += [org, pupil, span, adapt(start), *counts]  # type: ignore[arg-type]
            cursor.execute(f"{insert}VALUES {values} {upsert}", params)
    return len(rows)


def apply_day(
    organisation_id: int, day: datetime.date, changes: dict[int, tuple[int | None, int | None]]
) -> None:
    """`apply` for one school's marks of one day (a register save): `changes` maps each pupil to their mark's
    category before and after (None: no mark).

    On PostgreSQL one upsert with the pupils and their categories as three arrays: the day's week and block are
    the same for every pupil, and the deltas are counted in the statement (no array of twelve rows a pupil-pair).
    In pupil and span order, as `apply` locks rows. Elsewhere `apply` itself.
    """
    from attendance.models import AttendanceRollup

    if connection.vendor != "postgresql":
        apply(Change(organisation_id, pupil, day, old, new) for pupil, (old, new) in changes.items())
        return
    if not changes:
        return
    table = connection.ops.quote_name(AttendanceRollup._meta.db_table)
    # Each counted category's delta: the new mark counts one in, the old one out (NULL: no mark).
    deltas = ", ".join(
        f"COALESCE((c.new = {int(k)})::int, 0) - COALESCE((c.old = {int(k)})::int, 0)" for k in COUNTED
    )
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COLUMNS)
    pupils = sorted(changes)
    with transaction.atomic(savepoint=False), prepared_cursor() as cursor:
        # Only names and SQL from this module are interpolated; every value is a parameter.
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, pupil_id, span_weeks, starts_on, {', '.join(COLUMNS)}) "  # noqa: S608
            f"SELECT %s, c.pupil, s.span, s.starts_on, {deltas} "
            "FROM UNNEST(%s::bigint[], %s::smallint[], %s::smallint[]) AS c(pupil, old, new) "
            f"CROSS JOIN (VALUES ({WEEK}, %s::date), ({BLOCK}, %s::date)) AS s(span, starts_on) "
            # A change moves a count only when the category changes and one side is counted (1–4).
            f"WHERE c.old IS DISTINCT FROM c.new AND LEAST(c.old, c.new) <= {int(Category.UNAUTHORISED)} "
            "ORDER BY c.pupil, s.span "
            f"ON CONFLICT (organisation_id, pupil_id, span_weeks, starts_on) DO UPDATE SET {updates}",
            [
                organisation_id,
                pupils,
                [changes[p][0] for p in pupils],
                [changes[p][1] for p in pupils],
                week_of(day),
                block_of(day),
            ],
        )


def _start_sql(span: int) -> str:
    """SQL for the Monday the span (1 or 4 weeks, counted from EPOCH) holding `m.date` starts on."""
    days = 7 * span
    if connection.vendor == "postgresql":
        return f"(DATE '{EPOCH}' + ((m.date - DATE '{EPOCH}') / {days}) * {days})"
    if connection.vendor == "sqlite":
        offset = f"CAST(julianday(m.date) - julianday('{EPOCH}') AS INTEGER) / {days} * {days}"
        return f"date('{EPOCH}', '+' || ({offset}) || ' days')"
    raise NotImplementedError(f"The roll-up has no date arithmetic for {connection.vendor}.")


def rebuild(*, organisation_ids: Sequence[int] | None = None, pupil_ids: Sequence[int] | None = None) -> int:
    """Recompute the roll-up from the marks for some organisations or pupils (all when neither is given).

    One DELETE and one INSERT … SELECT … GROUP BY per span, in a transaction. Returns the rows written.
    """
    from attendance.models import AttendanceMark, AttendanceRollup

    where, params = ["m.category <= %s"], [int(Category.UNAUTHORISED)]
    existing = AttendanceRollup.objects.all()
    for column, wanted in (("organisation_id", organisation_ids), ("pupil_id", pupil_ids)):
        if wanted is None:
            continue
        ids = [int(i) for i in wanted]
        if not ids:
            return 0
        where.append(f"m.{column} IN ({', '.join(['%s'] * len(ids))})")
        params += ids
        existing = existing.filter(**{f"{column}__in": ids})
    table = connection.ops.quote_name(AttendanceRollup._meta.db_table)
    marks = connection.ops.quote_name(AttendanceMark._meta.db_table)
    sums = ", ".join(f"SUM(CASE WHEN m.category = {int(c)} THEN 1 ELSE 0 END)" for c in COUNTED)
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        existing._raw_delete(connection.alias)
        for span in (WEEK, BLOCK):
            start = _start_sql(span)
            # Only names and SQL from this module are interpolated; every value is a parameter.
            select = f"SELECT m.organisation_id, m.pupil_id, {span}, {start}, {sums} FROM {marks} m WHERE {' AND '.join(where)} "  # noqa: S608
            cursor.execute(
                f"INSERT INTO {table} (organisation_id, pupil_id, span_weeks, starts_on, {', '.join(COLUMNS)}) "
                + select
                + f"GROUP BY m.organisation_id, m.pupil_id, {start}",
                params,
            )
            written += cursor.rowcount
    return written


def differences(*, organisation_ids: Sequence[int] | None = None) -> list[str]:
    """Every pupil-week and pupil-block where the roll-up disagrees with the marks; empty when they agree.

    Recomputed in Python, independently of `rebuild`'s SQL. Rows whose counts are all zero (every mark
    in the span changed to a code that is not possible) are the same as no row.
    """
    from attendance.models import AttendanceMark, AttendanceRollup

    marks = AttendanceMark.objects.filter(category__lte=Category.UNAUTHORISED)
    rolled = AttendanceRollup.objects.all()
    if organisation_ids is not None:
        marks = marks.filter(organisation_id__in=list(organisation_ids))
        rolled = rolled.filter(organisation_id__in=list(organisation_ids))
    expected: dict[tuple[int, int, datetime.date], list[int]] = {}
    for pupil_id, day, category in marks.values_list("pupil_id", "date", "category").iterator(
        chunk_size=20000
    ):
        for key in ((pupil_id, WEEK, week_of(day)), (pupil_id, BLOCK, block_of(day))):
            expected.setdefault(key, [0, 0, 0, 0])[category - 1] += 1
    actual = {
        (pupil_id, span, start): list(counts)
        for pupil_id, span, start, *counts in rolled.values_list(
            "pupil_id", "span_weeks", "starts_on", *COLUMNS
        ).iterator(chunk_size=20000)
    }
    problems = []
    for key in sorted(set(expected) | set(actual)):
        want, got = expected.get(key, [0, 0, 0, 0]), actual.get(key, [0, 0, 0, 0])
        if want != got:
            kind = "week" if key[1] == WEEK else "4-week block"
            problems.append(f"pupil {key[0]}, {kind} from {key[2]}: marks say {want}, roll-up says {got}")
    return problems
