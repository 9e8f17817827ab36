"""The attendance marks import from a school's MIS (moved here unchanged from attendance/services.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone

from attendance import rollup
from attendance.codes import CODES
from attendance.models import (
    AttendanceMark,
)
from attendance.services.registers import _amendment, _Held, _insert_amendments, _update_marks
from organisations.models import Organisation

# --- MIS import ------------------------------------------------------------------------------
# A marks file is a kind of MIS import (attendance/imports.py: columns and rules; mis_import: reading,
# preview, background check and commit). These write what an import's plan decided.

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


def _insert_marks(
    marks: list[ImportedMark], *, organisation_id: int, actor_id: int | None, now: datetime.datetime
) -> None:
    """Insert new marks in batches: on PostgreSQL an array a column (UNNEST), elsewhere `executemany`."""
    ops = connection.ops
    table = ops.quote_name(AttendanceMark._meta.db_table)
    columns = (
        "organisation_id, pupil_id, date, session, code, category, minutes_late, recorded_by_id, recorded_at"
    )
    category = {code: int(c.category) for code, c in CODES.items()}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A year of marks touches more index pages than SQLite's default 2 MB page cache holds.
            cursor.execute("PRAGMA cache_size = -65536")
        recorded_at = ops.adapt_datetimefield_value(now)
        days: dict[datetime.date, Any] = {}
        for i in range(0, len(marks), _IMPORT_BATCH):
            batch = marks[i : i + _IMPORT_BATCH]
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT %s::bigint, *, %s::bigint, %s::timestamptz "  # noqa: S608
                    "FROM UNNEST(%s::bigint[], "
                    "%s::date[], %s::varchar[], %s::varchar[], %s::smallint[], %s::smallint[]) "
                    "AS v(pupil_id, date, session, code, category, minutes_late)",
                    [
                        organisation_id,
                        actor_id,
                        now,
                        [m.pupil_id for m in batch],
                        [m.date for m in batch],
                        [m.session for m in batch],
                        [m.code for m in batch],
                        [category[m.code] for m in batch],
                        [m.minutes_late for m in batch],
                    ],
                )
                continue
            rows = []
            for m in batch:
                day = days.get(m.date) or days.setdefault(m.date, ops.adapt_datefield_value(m.date))
                row = (organisation_id, m.pupil_id, day, m.session, m.code, category[m.code], m.minutes_late)
                rows.append((*row, actor_id, recorded_at))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                rows,
            )


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
    amendments = [
        _amendment(held, m.code, m.minutes_late, actor=actor, now=now, reason=reason) for held, m in amended
    ]
    per_statement = _IMPORT_BATCH
    if connection.vendor != "postgresql":  # one VALUES row of 11 parameters an amendment
        per_statement = max(1, (connection.features.max_query_params or 999) // 11)
    for i in range(0, len(changed), _IMPORT_BATCH):
        _update_marks(changed[i : i + _IMPORT_BATCH], actor=actor, now=now)
    for i in range(0, len(amendments), per_statement):
        _insert_amendments(amendments[i : i + per_statement])
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
    from mis_import.models import ImportJob

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
