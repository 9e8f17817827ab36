"""MIS imports: store the upload, check it in the background, and import every row in one transaction or none.

Checking and importing run the same code (`plan_import`): it reads the file, matches each row to the
organisation's records (pupils on UPN, then MIS id; contacts, groups and staff on their MIS id or e-mail)
and works out what would change. Importing plans again inside the transaction, so what is written is
exactly what passed the checks at that moment, and writes with bulk operations in batches. Bulk writes
bypass the audit signals, so one `import` event summarises the counts.

A whole file (every pupil on roll, every group membership and tutor/PAL role, or every member of staff) also
lists what is missing from it, and ends that in the same transaction when the importer asks: pupils are marked
as left, memberships and roles get an end date, staff are marked inactive. Nothing is ever deleted except a
membership or role that would only have started after its end date.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record_event
from mis_import.columns import KINDS, ImportKind
from mis_import.models import WHOLE_FILE_KINDS, ImportJob
from mis_import.plans import PLANNERS, WHOLE_FILE_PLANNERS
from mis_import.plans.common import (
    Plan,
)
from mis_import.reader import ENCODINGS, ParsedFile, read
from mis_import.registry import REGISTERED
from mis_import.uploads import safe_filename
from organisations.models import Organisation

MAX_STORED_ERRORS = 1000


def max_rows(kind: ImportKind) -> int:
    """The most rows one file of this kind may have (`MIS_IMPORT_MAX_ROWS`, or the kind's own setting)."""
    return int(getattr(settings, kind.max_rows_setting, kind.max_rows_default))


class ImportRefused(Exception):
    """The job cannot be imported (not checked, has errors, or already imported)."""


# --- Jobs --------------------------------------------------------------------------------------


def job_create(
    *,
    organisation: Organisation,
    user: Any,
    kind: str,
    filename: str,
    encoding: str,
    content: bytes,
    is_whole_file: bool = False,
) -> ImportJob:
    """Store an upload and queue its check once the upload is committed."""
    from mis_import.tasks import check_import

    if is_whole_file and kind not in WHOLE_FILE_KINDS:
        raise ImportRefused("Only a pupil, groups or staff file can be the whole list.")
    job = ImportJob(
        organisation=organisation,
        uploaded_by=user,
        kind=kind,
        filename=safe_filename(filename),
        encoding=encoding,
        content=content,
        is_whole_file=is_whole_file,
    )
    job.full_clean()
    job.save()
    # The file's rows are counted by the check, in the background: its own event (`_record_check`) gives them.
    record_event(
        action=AuditEvent.Action.CREATE,
        actor=user,
        obj=job,
        changes={
            "kind": [None, job.kind],
            "file": [None, job.filename],
            "bytes": [None, len(content)],
            "whole_file": [None, job.is_whole_file],
        },
        note=f"uploaded: {job.get_kind_display()} from {job.filename} ({len(content):,} bytes)",
    )
    transaction.on_commit(lambda: check_import.enqueue(job.pk))
    return job


def _record_check(job: ImportJob) -> None:
    """One event for a finished check, filed as the uploader's: how many rows, how many without problems."""
    record_event(
        action=AuditEvent.Action.UPDATE,
        actor=job.uploaded_by,
        obj=job,
        changes={
            "status": [ImportJob.Status.CHECKING.value, job.status],
            "total_rows": [0, job.total_rows],
            "error_count": [0, job.error_count],
        },
        note=f"checked: {job.get_kind_display()} from {job.filename}, {job.total_rows} row(s), "
        f"{job.rows_without_problems} without problems, {job.error_count} error(s)",
    )


def job_check(*, job_id: int) -> ImportJob:
    """Check every row of an uploaded file, keeping the job's progress up to date; writes no records."""
    job = ImportJob.objects.select_related("organisation", "uploaded_by").get(pk=job_id)
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.CHECKING):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CHECKING, processed_rows=0)

    shown_at = [0.0]

    def progress(done: int, total: int) -> None:
        # The page polls once a second: a write more often than twice a second would only slow the check.
        if time.monotonic() - shown_at[0] >= 0.5:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)
            shown_at[0] = time.monotonic()

    try:
        parsed, plan = plan_import(job, progress=progress)
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, checked_at=timezone.now())
        raise
    _store_result(job, parsed, plan)
    job.status = ImportJob.Status.INVALID if plan.errors else ImportJob.Status.READY
    # A file that can be imported keeps its content as it is: no need to write (and compress) it again.
    job.save(update_fields=_RESULT_FIELDS if plan.errors else [f for f in _RESULT_FIELDS if f != "content"])
    _record_check(job)
    return job


_RESULT_FIELDS = [
    "status",
    "errors",
    "error_count",
    "summary",
    "total_rows",
    "processed_rows",
    "checked_at",
    "content",
]


def _store_result(job: ImportJob, parsed: ParsedFile, plan: Plan) -> None:
    if plan.errors:
        job.content = b""  # it can never be imported: keep the findings, not the pupils' data
    errors = sorted(plan.errors, key=lambda e: e.line)
    job.errors = [e.as_dict() for e in errors[:MAX_STORED_ERRORS]]
    job.error_count = len(errors)
    job.summary = plan.summary
    job.total_rows = parsed.total_rows
    job.processed_rows = parsed.total_rows
    job.checked_at = timezone.now()


def job_import_start(
    *,
    job: ImportJob,
    actor: Any,
    end_missing: bool = False,
    ends_on: datetime.date | None = None,
) -> ImportJob:
    """Queue the import of a checked file, once: a second click finds it already importing.

    `end_missing` (a whole file only) also ends, on `ends_on`, what the preview listed as missing from the
    file, in the same transaction as the rows."""
    from mis_import.tasks import run_import

    if end_missing:
        if not job.is_whole_file:
            raise ImportRefused("Only a file that is the whole list can end what is missing from it.")
        if ends_on is None:
            raise ImportRefused("Give the date for ending what is missing from the file.")
    ends_on = ends_on if end_missing else None
    started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.IMPORTING, imported_by=actor, end_missing=end_missing, ends_on=ends_on
    )
    if not started:
        job.refresh_from_db(fields=["status"])
        raise ImportRefused(f"This file is {job.get_status_display().lower()}, so it cannot be imported.")
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    job.status, job.imported_by = ImportJob.Status.IMPORTING, actor
    job.end_missing, job.ends_on = end_missing, ends_on
    return job


def job_commit(*, job_id: int) -> ImportJob:
    """Import every row of a checked file in one transaction, or nothing if any row is now wrong.

    The rows are planned again inside the transaction: records may have changed since the check.
    """
    try:
        with transaction.atomic():
            locked = (
                ImportJob.objects.select_for_update(of=("self",))
                .select_related("organisation", "imported_by")
                .get(pk=job_id)
            )
            if locked.status != ImportJob.Status.IMPORTING:
                return locked
            parsed, plan = plan_import(locked, lock=True)
            if plan.errors:
                raise _StillInvalid(parsed, plan)
            plan.apply()
            _store_result(locked, parsed, plan)
            locked.status = ImportJob.Status.IMPORTED
            locked.imported_at = timezone.now()
            locked.content = b""  # imported: the records hold the data now; the upload need not be kept
            locked.save()
            s = plan.summary
            record_event(
                action=AuditEvent.Action.IMPORT,
                actor=locked.imported_by,
                obj=locked,
                organisation_id=locked.organisation_id,
                changes={
                    "kind": locked.kind,
                    "file": locked.filename,
                    "rows": parsed.total_rows,
                    "whole_file": locked.is_whole_file,
                    "end_missing": locked.end_missing,
                    "ends_on": locked.ends_on.isoformat() if locked.ends_on else None,
                    **s,
                },
                note=f"{locked.get_kind_display()} from {locked.filename}: {parsed.total_rows} rows, "
                f"{s['new']} new, {s['updated']} updated, {s['unchanged']} unchanged {s['noun']}"
                + "".join(f"; {label}: {n}" for label, n in s["details"].items()),
            )
            return locked
    except _StillInvalid as still:
        job = ImportJob.objects.get(pk=job_id)
        _store_result(job, still.parsed, still.plan)
        job.status = ImportJob.Status.INVALID
        job.save(update_fields=_RESULT_FIELDS)
        return job
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.FAILED)
        raise


class _StillInvalid(Exception):
    def __init__(self, parsed: ParsedFile, plan: Plan) -> None:
        self.parsed, self.plan = parsed, plan


def plan_import(
    job: ImportJob, progress: Callable[[int, int], None] | None = None, *, lock: bool = False
) -> tuple[ParsedFile, Plan]:
    """Read the job's file and work out every change; nothing is written until `plan.apply()`.

    `lock` (inside the import's transaction) lets a registered kind's planner lock the rows it will change."""
    kind = KINDS[job.kind]
    parsed = read(bytes(job.content), job.encoding, kind, max_rows=max_rows(kind), progress=progress)
    read_as = ENCODINGS[parsed.encoding] if parsed.encoding and parsed.encoding != job.encoding else ""
    if parsed.fatal:
        plan = Plan(
            noun=kind.label.lower(), encoding=read_as, unread="columns" if parsed.columns_missing else "file"
        )
        plan.errors = list(parsed.errors)
        return parsed, plan
    today = timezone.localdate()
    if job.kind in REGISTERED:
        plan = REGISTERED[job.kind].plan(job, parsed, today, lock)
    else:
        plan = PLANNERS[job.kind](job.organisation, parsed, today)
    if job.is_whole_file:
        WHOLE_FILE_PLANNERS[job.kind](plan, job, parsed, today)
    plan.errors = parsed.errors + plan.errors
    plan.encoding = read_as
    # The counts describe these rows only: a row with any problem (a cell, or a clash the planner found) is left
    # out of them, so the preview says how many rows they are.
    with_problems = {error.line for error in plan.errors}
    plan.clean_rows = sum(1 for row in parsed.rows if row.line not in with_problems)
    return parsed, plan
