"""The list kept: each school's early-warning list for a day, computed once and read until the school's records change.

**What is kept.** Per school and day (`KeptList`): every indicator's hits for every pupil on roll (the sensitive
ones too), and the indicator keys on seven days before. Nothing about a viewer: what each viewer may see (their
lines, their score, whether the student is on *their* list) is decided when the list is read
(`selectors.list_entries`), as it was when the list was computed on every request. Reviews are read live.

**When it is fresh.** Each school has a watermark (`Watermark.changes`), moved on by every write to a record the
list reads, in the same transaction and after the write:

- every audit event that records a write (create, update, delete, import) for the school: every tracked model
  (pupils, groups and memberships, role assignments, incidents and their pupils, suspensions, plans, protection
  statuses, assessment points, student factors, LPRs and review windows, the settings, …), the register save and
  a mark's amendment (`attendance.services.registers`), every MIS import (one event per import) and the
  retention jobs' summary events;
- the saves and deletes of the two records that are not tracked one by one: attendance marks
  (`AttendanceMark.save`/`delete`) and grades (`achievement.Result`).

A kept list is used only when it was computed for the same day, with the same settings and indicators
(`signature`) and at the school's current watermark, read *before* the list was computed: a write that commits
while the list is being computed moves the watermark past the kept one, so the next request computes again. A
list is never trusted past a change, only recomputed once too often. Bulk loads that bypass both (the demo and
benchmark builders, `attendance.rollup.rebuild` after a repair) must call `changed` themselves.

**Recomputed on request**, for the stale schools only (those with the same settings in one pass, as before): the
first request after a change pays one school's evaluation (~120 ms at 1,000 pupils), every later one reads the
kept rows. Not in a background task: a request would then either show a list that misses the change or compute it
anyway while the task runs.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone

from core.db import prepared_cursor
from early_warning.models import KeptList, Watermark
from early_warning.registry import indicators

Hits = dict[int, list[tuple[str, str]]]
WRITE_ACTIONS = frozenset({"create", "update", "delete", "import"})
# Records the list does not keep (read live when the list is read): their writes leave the watermark alone.
READ_LIVE = frozenset({"early_warning.Review"})


def changed(organisation_ids: Iterable[int]) -> None:
    """Move the schools' watermarks on: call in the transaction that wrote, after the write."""
    table = connection.ops.quote_name(Watermark._meta.db_table)
    with prepared_cursor() as cursor:  # every register save runs it
        for organisation_id in sorted(
            set(organisation_ids)
        ):  # one order: concurrent writers never deadlock here
            cursor.execute(
                f"INSERT INTO {table} (organisation_id, changes) VALUES (%s, 1) "  # noqa: S608 the table's own name
                f"ON CONFLICT (organisation_id) DO UPDATE SET changes = {table}.changes + 1",
                [organisation_id],
            )


def on_audit_event(
    sender: Any, organisation_id: int | None, action: str, object_type: str, **kwargs: Any
) -> None:
    """An audit event recording a write to one of the school's records (`audit.signals.event_recorded`, however
    the event was written) moves its watermark on."""
    if organisation_id is not None and action in WRITE_ACTIONS and object_type not in READ_LIVE:
        changed([organisation_id])


def on_record_written(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A mark or a grade saved or deleted one by one (not audited one by one) moves its school's watermark on."""
    if not kwargs.get("raw"):
        changed([instance.organisation_id])


def signature(values: dict[str, Any]) -> str:
    """The settings and the registered indicators a list was computed with: either changing makes it stale."""
    text = json.dumps(values, sort_keys=True, default=str) + "|" + ",".join(i.key for i in indicators())
    return hashlib.sha256(text.encode()).hexdigest()


def lists(
    groups: list[tuple[dict[str, Any], list[Any]]], on: datetime.date, week_ago: datetime.date
) -> tuple[Hits, dict[int, list[str]]]:
    """Every hit on `on` and the indicator keys on `week_ago`, per pupil, for the schools of `groups` (schools with
    the same settings): the kept lists that are fresh, the others computed (one pass a group) and kept.
    Three queries when every school is fresh."""
    ids = [school.pk for _, group in groups for school in group]
    watermarks = dict(
        Watermark.objects.filter(organisation_id__in=ids).values_list("organisation_id", "changes")
    )
    kept = {k.organisation_id: k for k in KeptList.objects.filter(organisation_id__in=ids, on=on)}
    now: Hits = {}
    before: dict[int, list[str]] = {}
    for values, group in groups:
        mark = signature(values)
        stale = []
        for school in group:
            found = kept.get(school.pk)
            if found is None or found.watermark != watermarks.get(school.pk, 0) or found.signature != mark:
                stale.append(school)
                continue
            now.update((int(pid), hits) for pid, hits in found.hits.items())  # [key, evidence] pairs as kept
            before.update((int(pid), keys) for pid, keys in found.week_ago.items())
        if stale:
            computed, was = _compute(stale, values, mark, watermarks, on, week_ago)
            now.update(computed)
            before.update(was)
    return now, before


def _compute(
    schools: list[Any],
    values: dict[str, Any],
    mark: str,
    watermarks: dict[int, int],
    on: datetime.date,
    week_ago: datetime.date,
) -> tuple[Hits, dict[int, list[str]]]:
    """Evaluate `schools` (same settings) for both days in one pass and keep each school's list."""
    from early_warning.selectors import _school_of, hits_by_day

    found = hits_by_day(schools[0], (on, week_ago), values, schools[1:])
    now, was = found[on], found[week_ago]
    school_of = _school_of([*now, *was], schools)
    rows = {
        school.pk: KeptList(
            organisation=school,
            on=on,
            watermark=watermarks.get(school.pk, 0),
            signature=mark,
            hits={},
            week_ago={},
            computed_at=timezone.now(),
        )
        for school in schools
    }
    for pid, hits in now.items():
        rows[school_of[pid]].hits[str(pid)] = hits
    before = {pid: [key for key, _ in hits] for pid, hits in was.items()}
    for pid, keys in before.items():
        rows[school_of[pid]].week_ago[str(pid)] = keys
    KeptList.objects.filter(organisation__in=schools, on__lt=on).delete()  # past days are never read again
    KeptList.objects.bulk_create(
        list(rows.values()),
        update_conflicts=True,
        unique_fields=["organisation", "on"],
        update_fields=["watermark", "signature", "hits", "week_ago", "computed_at"],
    )
    return now, before
