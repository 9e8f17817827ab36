"""The weekly roll-up: one row per pupil and week with that week's possible sessions counted by category.

Marks (`AttendanceMark`) are the record. `WeeklyAttendance` is derived from them so that school and trust
figures read ~20 rows a pupil for a year instead of ~380 marks. It must never drift:

- every write path that changes marks calls `apply` in the same transaction, with what each mark's category
  was before and is now (`AttendanceMark.save` does it for single saves; the services do it for their bulk
  writes);
- `rebuild` recomputes rows from the marks (bulk loads: the demo world, the benchmark, after deletions);
- `differences` recomputes independently (in Python) and lists every row that disagrees; the tests run it
  after every write path, and `manage.py attendance_rollup --check` runs it on a live database.

Only categories 1–4 (possible sessions) are counted; 5 (not possible) and 6 (not counted) never are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from attendance.codes import Category

COUNTED = (Category.PRESENT, Category.ATTENDING, Category.AUTHORISED, Category.UNAUTHORISED)
COLUMNS = ("present", "attending", "authorised", "unauthorised")
_BATCH = 1000


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the week a date falls in."""
    return day - datetime.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Change:
    """One mark's category before (None: there was no mark) and after (None: the mark is gone)."""

    organisation_id: int
    pupil_id: int
    date: datetime.date
    old: int | None
    new: int | None


def _deltas(changes: Iterable[Change]) -> dict[tuple[int, datetime.date], list[int]]:
    """Per (pupil, week): [organisation_id, Δpresent, Δattending, Δauthorised, Δunauthorised]."""
    deltas: dict[tuple[int, datetime.date], list[int]] = {}
    for change in changes:
        if change.old == change.new:
            continue
        row = deltas.setdefault((change.pupil_id, week_of(change.date)), [change.organisation_id, 0, 0, 0, 0])
        if change.old is not None and change.old <= Category.UNAUTHORISED:
            row[change.old] -= 1
        if change.new is not None and change.new <= Category.UNAUTHORISED:
            row[change.new] += 1
    return deltas


def apply(changes: Iterable[Change]) -> int:
    """Add the changes to the roll-up (an upsert per pupil-week, in pupil-week order so writers never deadlock).

    Call inside the transaction that writes the marks. Returns the number of pupil-weeks touched.
    """
    from attendance.models import WeeklyAttendance

    rows = [
        (values[0], pupil_id, week, *values[1:])
        for (pupil_id, week), values in sorted(_deltas(changes).items())
        if any(values[1:])
    ]
    if not rows:
        return 0
    table = connection.ops.quote_name(WeeklyAttendance._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COLUMNS)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for i in range(0, len(rows), _BATCH):
            batch = rows[i : i + _BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch))
            params: list[object] = []
            for org, pupil, week, *counts in batch:
                params += [org, pupil, adapt(week), *counts]
            # Only table and column names from this module are interpolated; every value is a parameter.
            sql = f"INSERT INTO {table} (organisation_id, pupil_id, week, {', '.join(COLUMNS)}) VALUES {values} "  # noqa: S608
            cursor.execute(sql + f"ON CONFLICT (pupil_id, week) DO UPDATE SET {updates}", params)
    return len(rows)


def _week_sql() -> str:
    if connection.vendor == "postgresql":
        return "(m.date - (EXTRACT(ISODOW FROM m.date)::integer - 1))"
    if connection.vendor == "sqlite":
        return "date(m.date, '-6 days', 'weekday 1')"
    raise NotImplementedError(f"The roll-up has no week expression for {connection.vendor}.")


def rebuild(*, organisation_ids: Sequence[int] | None = None, pupil_ids: Sequence[int] | None = None) -> int:
    """Recompute the roll-up from the marks for some organisations or pupils (all when neither is given).

    One DELETE and one INSERT … SELECT … GROUP BY in a transaction. Returns the rows written.
    """
    from attendance.models import AttendanceMark, WeeklyAttendance

    where, params = ["m.category <= %s"], [int(Category.UNAUTHORISED)]
    existing = WeeklyAttendance.objects.all()
    if organisation_ids is not None:
        ids = [int(i) for i in organisation_ids]
        if not ids:
            return 0
        where.append(f"m.organisation_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
        existing = existing.filter(organisation_id__in=ids)
    if pupil_ids is not None:
        pids = [int(i) for i in pupil_ids]
        if not pids:
            return 0
        where.append(f"m.pupil_id IN ({', '.join(['%s'] * len(pids))})")
        params += pids
        existing = existing.filter(pupil_id__in=pids)
    table = connection.ops.quote_name(WeeklyAttendance._meta.db_table)
    marks = connection.ops.quote_name(AttendanceMark._meta.db_table)
    week = _week_sql()
    sums = ", ".join(f"SUM(CASE WHEN m.category = {int(c)} THEN 1 ELSE 0 END)" for c in COUNTED)
    with transaction.atomic(), connection.cursor() as cursor:
        existing._raw_delete(connection.alias)
        # Only table and column names and SQL from this module are interpolated; every value is a parameter.
        select = f"SELECT m.organisation_id, m.pupil_id, {week}, {sums} FROM {marks} m WHERE {' AND '.join(where)} "  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, pupil_id, week, {', '.join(COLUMNS)}) "
            + select
            + f"GROUP BY m.organisation_id, m.pupil_id, {week}",
            params,
        )
        return cursor.rowcount


def differences(*, organisation_ids: Sequence[int] | None = None) -> list[str]:
    """Every pupil-week where the roll-up disagrees with the marks, described; empty when they agree.

    Recomputed in Python, independently of `rebuild`'s SQL. Rows whose counts are all zero (every mark
    in the week changed to a code that is not possible) are the same as no row.
    """
    from attendance.models import AttendanceMark, WeeklyAttendance

    marks = AttendanceMark.objects.filter(category__lte=Category.UNAUTHORISED)
    rolled = WeeklyAttendance.objects.all()
    if organisation_ids is not None:
        marks = marks.filter(organisation_id__in=list(organisation_ids))
        rolled = rolled.filter(organisation_id__in=list(organisation_ids))
    expected: dict[tuple[int, datetime.date], list[int]] = {}
    for pupil_id, day, category in marks.values_list("pupil_id", "date", "category").iterator(
        chunk_size=20000
    ):
        row = expected.setdefault((pupil_id, week_of(day)), [0, 0, 0, 0])
        row[category - 1] += 1
    actual = {
        (pupil_id, week): list(counts)
        for pupil_id, week, *counts in rolled.values_list("pupil_id", "week", *COLUMNS).iterator(
            chunk_size=20000
        )
    }
    problems = []
    for key in sorted(set(expected) | set(actual)):
        want, got = expected.get(key, [0, 0, 0, 0]), actual.get(key, [0, 0, 0, 0])
        if want != got:
            problems.append(f"pupil {key[0]}, week of {key[1]}: marks say {want}, roll-up says {got}")
    return problems
