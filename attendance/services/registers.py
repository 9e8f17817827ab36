"""Writes to registers: taking a register (the day's hottest path), amendments, suspensions, resolving N."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from attendance import rollup, selectors
from attendance.codes import CODES, n_resolution_codes
from attendance.models import (
    AttendanceMark,
    MarkAmendment,
    Register,
    Session,
)
from audit.services import record_event, record_event_row
from core.db import pipeline, prepared_cursor
from organisations import calendar
from people.models import Group, GroupMembership, Pupil

BEFORE_CLOSE_REASON = "Corrected while the register was open"
_CATEGORY = {code: int(c.category) for code, c in CODES.items()}  # each code's category, looked up a mark


@dataclass
class Entry:
    code: str
    minutes_late: int | None = None
    original: str | None = None  # the code the person saw when they loaded the page ("" = no mark)


@dataclass
class RegisterResult:
    register: Register
    created: int = 0
    amended: int = 0
    unchanged: int = 0
    late_to_u: list[int] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)
    # True when, after saving, every pupil on the register holds exactly what the page showed (`shown`): the
    # page need not be re-rendered. False on any conflict, L→U, someone else's mark, or a change of pupils.
    in_sync: bool = False
    # When the register closes, and whether it had closed when the save ran (what the status line says).
    closes_at: datetime.datetime | None = None
    closed: bool = False
    # The pupils on the register, and how many of them still have no mark after the save (a partial save is
    # allowed: tutors save as they go; the status line and the officer's list say it is not complete).
    pupils: int = 0
    unmarked: int = 0


class _Held(NamedTuple):
    """A saved mark as the register save reads it: plain values, no model instance (the day's hottest path)."""

    pk: int
    organisation_id: int
    pupil_id: int
    date: datetime.date
    session: str
    code: str
    category: int
    minutes_late: int | None


class _Mark(NamedTuple):
    """A mark a register save writes: the pupil's code, its category and minutes late (the school, day and
    session, who and when are the save's)."""

    pupil_id: int
    code: str
    category: int
    minutes_late: int | None


class _AmendmentRow(NamedTuple):
    """An amendment record to append, as plain values in `_insert_amendments`' column order (the register
    save writes several a save: no model instance each); who, when and why are the save's."""

    organisation_id: int
    pupil_id: int
    date: datetime.date
    session: str
    original_code: str
    original_minutes_late: int | None
    new_code: str
    new_minutes_late: int | None


def _amendment(mark: AttendanceMark | _Held, code: str, minutes: int | None) -> _AmendmentRow:
    """The append-only record of changing `mark` to `code` (not saved): the original and the new mark."""
    return _AmendmentRow(
        mark.organisation_id,
        mark.pupil_id,
        mark.date,
        mark.session,
        mark.code,
        mark.minutes_late,
        code,
        minutes,
    )


def _clean_entry(pupil_id: int, entry: Entry) -> None:
    if entry.code not in CODES:
        raise ValidationError({str(pupil_id): f"{entry.code!r} is not a national attendance code."})
    if entry.code == "L" and not entry.minutes_late:
        raise ValidationError({str(pupil_id): "L (late) needs the minutes late."})


_REGISTER_RETURNING = (
    "id",
    "organisation_id",
    "group_id",
    "date",
    "session",
    "lesson",
    "version",
    "taken_at",
    "taken_by_id",
)


def _take_register(
    group: Group, date: datetime.date, session: str, lesson: str, *, actor: Any, now: datetime.datetime
) -> Register:
    """Create or update the register row in one statement and hold its lock until the transaction ends
    (`_send_take_register`). Call inside the caller's transaction."""
    with prepared_cursor() as cursor:
        _send_take_register(cursor, group, date, session, lesson, actor=actor, now=now)
        return _taken_register(cursor, group, actor)


def _send_take_register(
    cursor: Any,
    group: Group,
    date: datetime.date,
    session: str,
    lesson: str,
    *,
    actor: Any,
    now: datetime.datetime,
) -> None:
    """Send the register row's upsert; `_taken_register` reads what it returns.

    `INSERT … ON CONFLICT DO UPDATE` both creates the row (two savers at once: one inserts, the other
    waits and updates) and locks it, so savers of one register queue here. It counts the save (`version`)
    and, the first time, records who took the register and when.
    """
    table = connection.ops.quote_name(Register._meta.db_table)
    ops = connection.ops
    # A plain cursor rather than Register.objects.raw: the same statement, without the raw query's set-up.
    returned = selectors.loader(Register, "r", _REGISTER_RETURNING)
    cursor.execute(
        f"INSERT INTO {table} (organisation_id, group_id, date, session, lesson, version, taken_at, taken_by_id) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, 1, %s, %s) "
        "ON CONFLICT (organisation_id, group_id, date, session, lesson) DO UPDATE SET "
        f"version = {table}.version + 1, "
        f"taken_by_id = CASE WHEN {table}.taken_at IS NULL THEN excluded.taken_by_id ELSE {table}.taken_by_id END, "
        f"taken_at = COALESCE({table}.taken_at, excluded.taken_at) "
        f"RETURNING {', '.join(returned.names)}",
        [
            group.organisation_id,
            group.pk,
            ops.adapt_datefield_value(date),
            session,
            lesson,
            ops.adapt_datetimefield_value(now),
            actor.pk,
        ],
    )


def _taken_register(cursor: Any, group: Group, actor: Any) -> Register:
    """The register row the upsert `_send_take_register` sent on `cursor` returned."""
    register = selectors.loader(Register, "r", _REGISTER_RETURNING).build(Register, cursor.fetchone())
    register.group = group  # already loaded: no query when the audit event names the register
    if register.taken_by_id == actor.pk:
        register.taken_by = actor
    return register


def _send_register_marks(cursor: Any, group: Group, date: datetime.date, session: str) -> None:
    """Send the read of the pupils on the group's register on the day (dated memberships, as
    `selectors.register_pupils`) with their saved marks for the session, the marks locked (FOR UPDATE) until the
    transaction ends; `_register_marks` reads the answer.

    One statement filtered on the school throughout, so on Citus it goes to the one node holding it. Only the
    marks of the register's pupils are locked, each once: they are read in a CTE of their own, materialised (an
    outer join cannot lock its nullable side, and a locking subquery on its inner side would be scanned again for
    every pupil); on PostgreSQL the pupils go to it as one array, read once, so the marks are one scan of the
    school-and-day index whatever the statistics say of today's marks."""
    ops = connection.ops
    members = ops.quote_name(GroupMembership._meta.db_table)
    marks = ops.quote_name(AttendanceMark._meta.db_table)
    postgresql = connection.vendor == "postgresql"
    on_register = (
        "= ANY(ARRAY(SELECT pupil_id FROM members))" if postgresql else "IN (SELECT pupil_id FROM members)"
    )
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    day = ops.adapt_datefield_value(date)
    cursor.execute(
        f"WITH members AS MATERIALIZED (SELECT pupil_id FROM {members} WHERE organisation_id = %s "  # noqa: S608
        "AND group_id = %s AND starts_on <= %s AND (ends_on IS NULL OR ends_on >= %s)), "
        f"held AS MATERIALIZED (SELECT id, pupil_id, code, category, minutes_late FROM {marks} "
        f"WHERE organisation_id = %s AND date = %s AND session = %s AND pupil_id {on_register}{lock}) "
        "SELECT members.pupil_id, held.id, held.code, held.category, held.minutes_late "
        "FROM members LEFT JOIN held ON held.pupil_id = members.pupil_id",
        [group.organisation_id, group.pk, day, day, group.organisation_id, day, session],
    )


def _register_marks(
    cursor: Any, group: Group, date: datetime.date, session: str
) -> tuple[set[int], dict[int, _Held]]:
    """The pupils on the register and their saved marks by pupil, as `_send_register_marks` sent for on `cursor`."""
    rows = cursor.fetchall()
    organisation_id = group.organisation_id
    held = {
        pupil: _Held(pk, organisation_id, pupil, date, session, code, category, minutes)
        for pupil, pk, code, category, minutes in rows
        if pk is not None
    }
    return {row[0] for row in rows}, held


def _insert_rows(
    model: type[Any],
    columns: list[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    *,
    same: list[tuple[str, str, Any]],
) -> None:
    """One INSERT of `rows` (values in the order of `columns`, each a column name and its PostgreSQL type) and,
    in every row, the values of `same` (column, type, value): the register save's few rows, no ORM compile.

    On PostgreSQL an array a column through UNNEST, so the statement's text is the same however many rows (it is
    prepared once); elsewhere `executemany`. Values go as the driver takes them (dates adapted by the caller)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join([name for name, _ in columns] + [name for name, _, _ in same])
    with prepared_cursor() as cursor:
        if connection.vendor == "postgresql":
            constants = "".join(f", %s::{kind}" for _, kind, _ in same)
            arrays = ", ".join(f"%s::{kind}[]" for _, kind in columns)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT v.*{constants} FROM UNNEST({arrays}) AS v",  # noqa: S608
                [*(value for _, _, value in same), *(list(column) for column in zip(*rows, strict=True))],
            )
            return
        placeholders = ", ".join(["%s"] * (len(columns) + len(same)))
        constant_values = tuple(value for _, _, value in same)
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
            [(*row, *constant_values) for row in rows],
        )


_MARK_COLUMNS = [
    ("pupil_id", "bigint"),
    ("code", "varchar"),
    ("category", "smallint"),
    ("minutes_late", "smallint"),
]
_AMENDMENT_COLUMNS = [
    ("organisation_id", "bigint"),
    ("pupil_id", "bigint"),
    ("date", "date"),
    ("session", "varchar"),
    ("original_code", "varchar"),
    ("original_minutes_late", "smallint"),
    ("new_code", "varchar"),
    ("new_minutes_late", "smallint"),
]


def _insert_register_marks(
    marks: list[_Mark],
    *,
    organisation_id: int,
    date: datetime.date,
    session: str,
    actor: Any,
    now: datetime.datetime,
) -> None:
    """Insert a register's new marks: the pupils' values as rows; the school, day, session, who and when once."""
    ops = connection.ops
    _insert_rows(
        AttendanceMark,
        _MARK_COLUMNS,
        marks,
        same=[
            ("organisation_id", "bigint", organisation_id),
            ("date", "date", ops.adapt_datefield_value(date)),
            ("session", "varchar", session),
            ("recorded_by_id", "bigint", actor.pk),
            ("recorded_at", "timestamptz", ops.adapt_datetimefield_value(now)),
        ],
    )


def _insert_amendments(
    amendments: list[_AmendmentRow], *, actor_id: int | None, now: datetime.datetime, reason: str
) -> None:
    """Append amendment records, all by `actor_id` at `now` for `reason`, in one statement."""
    ops = connection.ops
    _insert_rows(
        MarkAmendment,
        _AMENDMENT_COLUMNS,
        [(*row[:2], ops.adapt_datefield_value(row.date), *row[3:]) for row in amendments],
        same=[
            ("amended_by_id", "bigint", actor_id),
            ("amended_at", "timestamptz", ops.adapt_datetimefield_value(now)),
            ("reason", "varchar", reason),
        ],
    )


def _update_marks(marks: list[_Held], *, actor: Any, now: datetime.datetime) -> None:
    """Write the changed marks (each's code, category and minutes late; all recorded by `actor` at `now`).

    On PostgreSQL one `UPDATE … FROM UNNEST(…)` statement (an array a column, so its text is the same
    however many rows); elsewhere one statement per row (`executemany`, cheap in-process). Either costs
    less than the ORM's bulk_update CASE expression.
    """
    if not marks:
        return
    ops = connection.ops
    table = ops.quote_name(AttendanceMark._meta.db_table)
    recorded_at = ops.adapt_datetimefield_value(now)
    by_school: dict[int, list[_Held]] = {}
    for held in marks:  # one statement per school: on Citus each goes to the one node holding it
        by_school.setdefault(held.organisation_id, []).append(held)
    with prepared_cursor() as cursor:
        for organisation_id, rows in by_school.items():
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS m SET code = v.code, category = v.category, minutes_late = v.minutes, "  # noqa: S608
                    "recorded_by_id = %s, recorded_at = %s FROM UNNEST(%s::bigint[], %s::varchar[], "
                    "%s::smallint[], %s::integer[]) AS v(id, code, category, minutes) "
                    "WHERE m.organisation_id = %s AND m.id = v.id",
                    [
                        actor.pk,
                        recorded_at,
                        [m.pk for m in rows],
                        [m.code for m in rows],
                        [m.category for m in rows],
                        [m.minutes_late for m in rows],
                        organisation_id,
                    ],
                )
                continue
            cursor.executemany(
                f"UPDATE {table} SET code = %s, category = %s, minutes_late = %s, recorded_by_id = %s, "  # noqa: S608
                "recorded_at = %s WHERE organisation_id = %s AND id = %s",
                [
                    (m.code, m.category, m.minutes_late, actor.pk, recorded_at, organisation_id, m.pk)
                    for m in rows
                ],
            )


@dataclass
class _Plan:
    """What a register save will write: new marks, and changed marks with the mark each replaces."""

    create: list[_Mark] = field(default_factory=list)
    update: list[tuple[_Held, _Mark]] = field(default_factory=list)
    in_sync: bool = True  # every entry the person left alone still holds what they saw


def _plan(
    entries: dict[int, Entry],
    existing: dict[int, _Held],
    result: RegisterResult,
    *,
    closed: bool,
    reason: str,
) -> _Plan:
    """Decide each entry against the saved mark (inside the save's transaction, the marks locked): unchanged,
    a conflict, L after the close recorded as U, a new mark, or an amendment. Counts go on `result`."""
    plan = _Plan()
    category = _CATEGORY
    for pupil_id, entry in entries.items():
        mark = existing.get(pupil_id)
        code, minutes = entry.code, entry.minutes_late if entry.code in ("L", "U") else None
        if mark is not None and entry.original is not None and entry.original == code:
            # This person left the pupil as they found them: whatever is saved now (perhaps someone
            # else's change) stays.
            result.unchanged += 1
            plan.in_sync = plan.in_sync and (mark.code, mark.minutes_late) == (code, minutes)
            continue
        if code == "L" and closed and (mark is None or mark.code != "L"):
            code = "U"
            result.late_to_u.append(pupil_id)
        if mark is None:
            if entry.original:  # it had a mark when the page was loaded, and someone removed it: impossible
                result.conflicts.append(pupil_id)
                continue
            plan.create.append(_Mark(pupil_id, code, category[code], minutes))
            continue
        if mark.code == code and mark.minutes_late == minutes:
            result.unchanged += 1
            continue
        if entry.original is not None and entry.original != mark.code:
            result.conflicts.append(pupil_id)  # someone else changed it since this page was loaded
            continue
        if closed and not reason.strip():
            raise ValidationError("The register has closed: give a reason for the changes.")
        plan.update.append((mark, _Mark(pupil_id, code, category[code], minutes)))
    return plan


def _write_plan(
    plan: _Plan,
    *,
    organisation_id: int,
    date: datetime.date,
    session: str,
    reason: str,
    actor: Any,
    now: datetime.datetime,
) -> None:
    """Write a planned save inside its transaction: the new marks, the changed marks and their amendments, and
    the roll-up's counts for all of them (one statement each)."""
    _insert_register_marks(
        plan.create, organisation_id=organisation_id, date=date, session=session, actor=actor, now=now
    )
    changed = [
        held._replace(code=new.code, category=new.category, minutes_late=new.minutes_late)
        for held, new in plan.update
    ]
    _update_marks(changed, actor=actor, now=now)
    _insert_amendments(
        [_amendment(held, new.code, new.minutes_late) for held, new in plan.update],
        actor_id=actor.pk,
        now=now,
        reason=reason.strip() or BEFORE_CLOSE_REASON,
    )
    rollup.apply_day(
        organisation_id,
        date,
        {m.pupil_id: (None, m.category) for m in plan.create}
        | {held.pupil_id: (held.category, new.category) for held, new in plan.update},
    )


def save_register(
    *,
    actor: Any,
    group: Group,
    date: datetime.date,
    session: str,
    entries: dict[int, Entry],
    reason: str = "",
    now: datetime.datetime | None = None,
    shown: set[int] | None = None,
) -> RegisterResult:
    """Save a group's session register in one transaction, never losing a concurrent change.

    `shown` is every pupil row the page had (marked or blank); with it the result says whether the saved
    register is exactly what the page now shows (`in_sync`).

    The register row is locked (its upsert) so two savers queue, and the pupils' saved marks with it; a pupil
    whose mark changed since the page was loaded (`Entry.original` differs) is not overwritten but reported as a
    conflict. `L` entered after the register closed becomes `U`. A change to a saved mark is an amendment:
    after the register closed it needs a reason; before, it is recorded as a correction.
    """
    if session not in Session.values:
        raise ValidationError("Unknown session.")
    now = now or timezone.now()
    for pupil_id, entry in entries.items():
        _clean_entry(pupil_id, entry)
    closes_at = selectors.register_closes(group.organisation, date, session)
    closed = now > closes_at
    with transaction.atomic():
        # The register row's upsert (its lock first) and the read of the marks it guards are sent together.
        with pipeline(), prepared_cursor() as take, prepared_cursor() as read:
            _send_take_register(take, group, date, session, "", actor=actor, now=now)
            _send_register_marks(read, group, date, session)
            register = _taken_register(take, group, actor)
            allowed, existing = _register_marks(read, group, date, session)
        result = RegisterResult(register=register, closes_at=closes_at, closed=closed)
        stray = set(entries) - allowed
        if stray:  # refused inside the transaction: the register row's update is rolled back with it
            raise ValidationError(f"{len(stray)} pupil(s) are not on this register.")
        planned = _plan(entries, existing, result, closed=closed, reason=reason)
        result.created, result.amended = len(planned.create), len(planned.update)
        result.pupils = len(allowed)
        result.unmarked = len(allowed - existing.keys() - {m.pupil_id for m in planned.create})
        # The page matches the register only if it showed every pupil on it, a blank row is still blank, and
        # every row left alone still holds what the page showed.
        result.in_sync = (
            shown is not None
            and shown == allowed
            and not any(pid not in entries and pid in existing for pid in allowed)
            and planned.in_sync
            and not result.conflicts
            and not result.late_to_u
        )
        if planned.create or planned.update:
            # Nothing below reads an answer: the marks, the amendments, the roll-up, the audit event and the
            # early-warning watermark it moves on go together (`core.db.pipeline`: on Citus).
            with pipeline():
                _write_plan(
                    planned,
                    organisation_id=group.organisation_id,
                    date=date,
                    session=session,
                    reason=reason,
                    actor=actor,
                    now=now,
                )
                record_event_row(
                    action="update",
                    actor=actor,
                    obj=register,
                    note=f"register saved: {result.created} new, {result.amended} amended marks",
                )
    return result


def amend_mark(
    *,
    actor: Any,
    pupil: Pupil,
    date: datetime.date,
    session: str,
    code: str,
    reason: str,
    minutes_late: int | None = None,
    now: datetime.datetime | None = None,
) -> AttendanceMark:
    """Set one pupil's mark for a session, keeping the original in the amendment log."""
    _clean_entry(pupil.pk, Entry(code, minutes_late))
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for the amendment."})
    now = now or timezone.now()
    with transaction.atomic():
        mark = (
            AttendanceMark.objects.select_for_update().filter(pupil=pupil, date=date, session=session).first()
        )
        minutes = minutes_late if code in ("L", "U") else None
        if mark is None:
            mark = AttendanceMark(
                organisation_id=pupil.organisation_id,
                pupil=pupil,
                date=date,
                session=session,
                code=code,
                minutes_late=minutes,
                recorded_by=actor,
                recorded_at=now,
            )
            mark.full_clean(exclude=["category"])
            mark.save()
            record_event(
                action="create",
                actor=actor,
                obj=pupil,
                note=f"attendance {date} {session} set to {code}: {reason}",
            )
            return mark
        if mark.code == code and mark.minutes_late == minutes:
            return mark
        MarkAmendment(
            **_amendment(mark, code, minutes)._asdict(),
            amended_by=actor,
            amended_at=now,
            reason=reason.strip(),
        ).save()
        mark.code, mark.minutes_late, mark.recorded_by, mark.recorded_at = code, minutes, actor, now
        mark.full_clean(exclude=["category"])
        mark.save()
        record_event(
            action="update",
            actor=actor,
            obj=pupil,
            note=f"attendance {date} {session} amended to {code}: {reason}",
        )
    return mark


def marks_for_suspension(
    *,
    actor: Any,
    pupil: Pupil,
    start: datetime.date,
    end: datetime.date,
    sessions: Iterable[Any] | None = None,
    reason: str = "Suspension",
) -> int:
    """Record `E` for the school sessions of a suspension; existing marks are amended with a reason.

    `sessions` is None (both sessions of every school day), session names ("AM", "PM") for every day,
    or exact (date, session) pairs. Returns how many marks were set or changed.
    """
    days = calendar.school_days_between(pupil.organisation_id, start, end, site=pupil.site_id)
    pairs: list[tuple[datetime.date, str]]
    if sessions is None:
        pairs = [(d, s) for d in days for s in Session.values]
    else:
        sessions = list(sessions)
        if all(isinstance(s, str) for s in sessions):
            pairs = [(d, s) for d in days for s in sessions]
        else:
            pairs = [(d, s) for d, s in sessions if d in days]
    changed = 0
    with transaction.atomic():
        for date, session in pairs:
            before = (
                AttendanceMark.objects.filter(pupil=pupil, date=date, session=session)
                .values_list("code", flat=True)
                .first()
            )
            if before == "E":
                continue
            amend_mark(actor=actor, pupil=pupil, date=date, session=session, code="E", reason=reason)
            changed += 1
    return changed


def resolve_n(*, actor: Any, mark: AttendanceMark, code: str, reason: str) -> AttendanceMark:
    """Resolve an `N` to a reason code or `O`."""
    if code == "N":
        raise ValidationError({"code": "Choose the reason, or O if none is given."})
    if code not in n_resolution_codes(mark.session):
        raise ValidationError({"code": f"{code} cannot resolve an N for this session."})
    return amend_mark(
        actor=actor, pupil=mark.pupil, date=mark.date, session=mark.session, code=code, reason=reason
    )
