"""Attendance marks as a kind of MIS import: the columns of a marks file and the rules each row must pass.

The MIS import framework (`mis_import`) reads the file (encoding, line endings, header names, row-level
errors), checks it in the background with progress, previews it and imports it all at once or not at all.
This module adds what is particular to marks: the pupil is found by UPN, then MIS id; the code must be a
national attendance code; `L` needs the minutes late; a pupil has one mark a session. A changed mark is an
amendment (original, new value, who, when, reason "MIS import"), and the roll-up is kept in step, by
`write_imported_marks` inside the import's transaction.
"""

from __future__ import annotations

import datetime
import sys
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone

from attendance import rollup
from attendance.codes import CODES
from attendance.models import AttendanceMark, Session
from attendance.services.registers import _amendment, _Held, _insert_amendments, _insert_rows, _update_marks
from mis_import.columns import PUPIL_MIS_ID, CellError, Column, ImportKind, choice, parse_date
from mis_import.models import ImportJob
from mis_import.reader import ParsedFile
from mis_import.services import Plan
from organisations.models import Organisation
from people.models import Pupil


def parse_pupil_upn(value: str) -> str:
    """A UPN as the MIS holds it (spaces dropped, capitals); the pupil must exist, so no check letter is asked."""
    upn = value.replace(" ", "").upper()
    if len(upn) > 20:
        raise CellError(f"UPN '{value[:40]}' is longer than a UPN (13 characters).")
    return sys.intern(upn)  # the same pupil on every row of a year's file: one string


def parse_code(value: str) -> str:
    code = value.upper()
    if code not in CODES:
        raise CellError(
            f"'{value}' is not a national attendance code. Use one of: {' '.join(CODES)} (see docs/attendance.md)."
        )
    return CODES[code].code


parse_session = choice(
    {Session.AM.value: ("AM", "A", "Morning"), Session.PM.value: ("PM", "P", "Afternoon")},
    "Unknown session '{value}': Session must be AM or PM.",
)


def parse_minutes(value: str) -> int:
    if not value.isdecimal() or not value.isascii() or int(value) > 999:
        raise CellError(f"Minutes late '{value}' must be a whole number of minutes (0 to 999).")
    return int(value)


MARKS = ImportKind(
    "marks",
    "Attendance marks",
    (
        Column(
            "upn",
            "UPN",
            ("Unique Pupil Number", "Pupil UPN"),
            parse_pupil_upn,
            help="Matched before the MIS id.",
        ),
        PUPIL_MIS_ID,
        Column(
            "date",
            "Date",
            ("Session Date", "Attendance Date", "Mark Date", "Register Date"),
            parse_date,
            required=True,
            help="yyyy-mm-dd or dd/mm/yyyy.",
        ),
        Column(
            "session", "Session", ("AM/PM", "Session Name"), parse_session, required=True, help="AM or PM."
        ),
        Column(
            "code",
            "Code",
            ("Mark", "Attendance Code", "Mark Code", "Register Code", "Attendance Mark"),
            parse_code,
            required=True,
            help="A national attendance code: / \\ L M I N O …",
        ),
        Column(
            "minutes_late",
            "Minutes Late",
            ("Minutes", "Late Minutes", "Mins Late"),
            parse_minutes,
            help="Whole minutes; needed with L (and kept with U).",
        ),
    ),
    one_of=(("upn", "mis_id"),),
    max_rows_setting="ATTENDANCE_IMPORT_MAX_ROWS",
    max_rows_default=500_000,  # a year of marks for a 1,000-pupil school is 380,000
)


# --- Writing what an import's plan decided ----------------------------------------------------

IMPORT_REASON = "MIS import"
_IMPORT_BATCH = 5000


class ImportedMark(NamedTuple):
    """One row of a marks file, checked: the mark the pupil should have for the session."""

    pupil_id: int
    date: datetime.date
    session: str
    code: str
    minutes_late: int | None


def marks_held(
    *,
    organisation: Organisation,
    pupil_ids: list[int],
    first: datetime.date,
    last: datetime.date,
    lock: bool = False,
) -> dict[tuple[int, datetime.date, str], _Held]:
    """The organisation's saved marks of these pupils from `first` to `last`, by (pupil, date, session).

    With `lock` they stay locked (FOR UPDATE) until the transaction ends, taken in pupil, date and session
    order as the register save takes them, so an import and a register save queue rather than deadlock.
    """
    held: dict[tuple[int, datetime.date, str], _Held] = {}
    fields = ("pk", "organisation_id", "pupil_id", "date", "session", "code", "category", "minutes_late")
    for i in range(0, len(pupil_ids), 500):
        marks = AttendanceMark.objects.filter(
            organisation=organisation, date__gte=first, date__lte=last, pupil_id__in=pupil_ids[i : i + 500]
        ).order_by("pupil_id", "date", "session")
        if lock:
            marks = marks.select_for_update()
        for values in marks.values_list(*fields).iterator(chunk_size=10000):
            mark = _Held(*values)
            held[(mark.pupil_id, mark.date, mark.session)] = mark
    return held


_IMPORTED_MARK_COLUMNS = [
    ("pupil_id", "bigint"),
    ("date", "date"),
    ("session", "varchar"),
    ("code", "varchar"),
    ("category", "smallint"),
    ("minutes_late", "smallint"),
]


def _insert_marks(
    marks: list[ImportedMark], *, organisation_id: int, actor_id: int | None, now: datetime.datetime
) -> None:
    """Insert new marks in batches of `_IMPORT_BATCH` (`_insert_rows`: UNNEST on PostgreSQL, else executemany)."""
    ops = connection.ops
    category = {code: int(c.category) for code, c in CODES.items()}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A year of marks touches more index pages than SQLite's default 2 MB page cache holds.
            cursor.execute("PRAGMA cache_size = -65536")
    same = [
        ("organisation_id", "bigint", organisation_id),
        ("recorded_by_id", "bigint", actor_id),
        ("recorded_at", "timestamptz", ops.adapt_datetimefield_value(now)),
    ]
    days: dict[datetime.date, Any] = {}
    for i in range(0, len(marks), _IMPORT_BATCH):
        rows = []
        for m in marks[i : i + _IMPORT_BATCH]:
            day = days.get(m.date) or days.setdefault(m.date, ops.adapt_datefield_value(m.date))
            rows.append((m.pupil_id, day, m.session, m.code, category[m.code], m.minutes_late))
        _insert_rows(AttendanceMark, _IMPORTED_MARK_COLUMNS, rows, same=same)


def write_imported_marks(
    *,
    organisation: Organisation,
    actor: Any,
    new: list[ImportedMark],
    amended: list[tuple[_Held, ImportedMark]],
    reason: str = IMPORT_REASON,
    now: datetime.datetime | None = None,
) -> None:
    """Write an import's new marks and its changes to saved marks, each change with its amendment record
    (original, new, who, when, why), and keep the roll-up in step: bulk statements in batches, no query a row.

    Call inside the import's transaction, with `amended` read by `marks_held(lock=True)` in it.
    """
    now = now or timezone.now()
    actor_id = actor.pk if actor is not None else None
    category = {code: int(c.category) for code, c in CODES.items()}
    _insert_marks(new, organisation_id=organisation.pk, actor_id=actor_id, now=now)
    changed = [
        held._replace(code=m.code, category=category[m.code], minutes_late=m.minutes_late)
        for held, m in amended
    ]
    amendments = [_amendment(held, m.code, m.minutes_late) for held, m in amended]
    for i in range(0, len(changed), _IMPORT_BATCH):
        _update_marks(changed[i : i + _IMPORT_BATCH], actor=actor, now=now)
    for i in range(0, len(amendments), _IMPORT_BATCH):
        _insert_amendments(amendments[i : i + _IMPORT_BATCH], actor_id=actor_id, now=now, reason=reason)
    rollup.apply(
        [rollup.Change(organisation.pk, m.pupil_id, m.date, None, category[m.code]) for m in new]
        + [
            rollup.Change(organisation.pk, h.pupil_id, h.date, h.category, category[m.code])
            for h, m in amended
        ]
    )


@dataclass
class ImportError_:
    line: int
    column: str
    reason: str


@dataclass
class ImportResult:
    errors: list[ImportError_] = field(default_factory=list)
    created: int = 0
    amended: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_marks(
    *,
    actor: Any,
    organisation: Organisation,
    data: bytes | str,
    encoding: str = "auto",
    filename: str = "marks.csv",
) -> ImportResult:
    """Check and import a marks file at once (scripts, tests): the same job, checks and all-or-nothing import
    as a file uploaded on the attendance import page, without the preview. Changed marks are amended with
    reason "MIS import"; any error means nothing is written."""
    from mis_import import services as imports

    job = imports.job_create(
        organisation=organisation,
        user=actor,
        kind=ImportJob.Kind.MARKS,
        filename=filename,
        encoding=encoding,
        content=data.encode() if isinstance(data, str) else data,
    )
    job = imports.job_check(job_id=job.pk)
    if job.status == ImportJob.Status.READY:
        imports.job_import_start(job=job, actor=actor)
        job = imports.job_commit(job_id=job.pk)
    summary = job.summary
    return ImportResult(
        errors=[ImportError_(e["line"], e["column"], e["message"]) for e in job.errors],
        created=summary.get("new", 0),
        amended=summary.get("updated", 0),
        unchanged=summary.get("unchanged", 0),
    )


def plan_marks(job: ImportJob, parsed: ParsedFile, today: datetime.date, lock: bool) -> Plan:
    """Check every row against the school's pupils and marks and prepare the writes; nothing is written."""
    organisation = job.organisation
    plan = Plan(noun="marks")
    by_upn: dict[str, int] = {}
    by_mis: dict[str, int] = {}
    for pk, pupil_upn, pupil_mis_id in Pupil.objects.filter(organisation=organisation).values_list(
        "pk", "upn", "mis_id"
    ):
        if pupil_upn:
            by_upn[pupil_upn] = pk
        if pupil_mis_id:
            by_mis[pupil_mis_id] = pk
    columns = parsed.columns
    minutes_column = columns.get("minutes_late", "Minutes Late")
    first_line: dict[tuple[int, datetime.date, str], int] = {}
    wanted: list[ImportedMark] = []
    for row in parsed.rows:
        v = row.values
        upn, mis = v.get("upn"), v.get("mis_id")
        pupil_id = (by_upn.get(upn) if upn else None) or (by_mis.get(mis) if mis else None)
        if pupil_id is None:
            said, column = (f"UPN {upn}", columns["upn"]) if upn else (f"MIS id {mis}", columns["mis_id"])
            plan.fail(
                row,
                column,
                f"No pupil with {said} at {organisation}: import pupils first, or correct the id.",
            )
            continue
        date, session, code = v["date"], v["session"], v["code"]
        key = (pupil_id, date, session)
        if key in first_line:
            plan.fail(
                row,
                columns["date"],
                f"The same pupil, date and session appear twice: {date:%d/%m/%Y} {session} is on line "
                f"{first_line[key]} and line {row.line}.",
            )
            continue
        first_line[key] = row.line
        minutes = v.get("minutes_late")
        if code == "L" and not minutes:
            plan.fail(row, minutes_column, "L (late) needs the minutes late.")
            continue
        wanted.append(ImportedMark(pupil_id, date, session, code, minutes if code in ("L", "U") else None))
    if not wanted:
        return plan
    held = marks_held(
        organisation=organisation,
        pupil_ids=sorted({m.pupil_id for m in wanted}),
        first=min(m.date for m in wanted),
        last=max(m.date for m in wanted),
        lock=lock,
    )
    new: list[ImportedMark] = []
    amended: list[tuple[Any, ImportedMark]] = []
    for mark in wanted:
        saved = held.get((mark.pupil_id, mark.date, mark.session))
        if saved is None:
            new.append(mark)
        elif (saved.code, saved.minutes_late) != (mark.code, mark.minutes_late):
            amended.append((saved, mark))
    plan.new, plan.updated = len(new), len(amended)
    plan.unchanged = len(wanted) - len(new) - len(amended)
    plan.details = {
        "pupils": len({m.pupil_id for m in wanted}),
        "days": len({m.date for m in wanted}),
    }

    def write() -> None:
        write_imported_marks(organisation=organisation, actor=job.imported_by, new=new, amended=amended)

    plan.writes.append(write)
    return plan


def marks_sample() -> str:
    """docs/samples/marks.csv: a week of marks (Monday 7 to Friday 11 September 2026) for the sample pupils."""
    import random

    from mis_import.samples import pupil_rows, to_csv

    rng = random.Random(9)
    rows = []
    for pupil in pupil_rows(12, seed=7):
        for day in range(7, 12):
            for session, present in (("AM", "/"), ("PM", "\\")):
                code = rng.choice([present] * 12 + ["L", "I", "M", "N", "G"])
                rows.append(
                    [
                        pupil[0],
                        f"{day:02d}/09/2026",
                        session,
                        code,
                        str(rng.randint(3, 25)) if code == "L" else "",
                    ]
                )
    return to_csv(["UPN", "Date", "Session", "Mark", "Minutes Late"], rows)


def register() -> None:
    """Add marks to the MIS import's kinds: the attendance office imports them from the attendance import page."""
    from attendance.selectors import OFFICE_ROLES
    from mis_import.registry import register_import_kind

    register_import_kind(
        MARKS,
        plan=plan_marks,
        roles=OFFICE_ROLES,
        upload_url="attendance:import",
        upload_label="Attendance import",
        sample=marks_sample,
        title="Import attendance marks",
        intro="Upload a CSV file of marks. It is checked first, in the background, and you see a preview: how many "
        "marks are new, how many change saved marks, and every problem with its line and column. Nothing is written "
        "until you import it, and then every row is written or none. Changed marks are kept as amendments with the "
        "reason “MIS import”.",
        noun="marks",
        row_noun="mark",
        file_help="Exported from your MIS, one mark a row, with a header row: UPN (or MIS ID), Date, Session, "
        "Code and Minutes Late.",
    )
