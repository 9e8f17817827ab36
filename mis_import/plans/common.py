"""What every planner shares: the plan of an import (errors, counts, writes) and the helpers that match rows
to records, diff them, batch the writes and end what a whole file no longer lists."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from mis_import.models import ImportJob
from mis_import.reader import ParsedFile, Row, RowError
from organisations.models import Organisation
from people.models import Group, GroupMembership, Pupil

BATCH_SIZE = 500

# The plans' nouns (and, for a file that cannot be read, the kinds' labels) for one record: "1 new pupil".
SINGULAR = {
    "pupils": "pupil",
    "contacts": "contact",
    "parents and carers": "parent or carer",
    "groups": "group",
    "staff": "member of staff",
    "marks": "mark",
    "attendance marks": "attendance mark",
    "results": "result",
    "initial assessments": "initial assessment",
    "files": "file",
}


@dataclass
class Plan:
    """What importing a file would do: errors (then nothing may be written), counts, and the writes."""

    errors: list[RowError] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    noun: str = "records"
    details: dict[str, int] = field(default_factory=dict)
    writes: list[Callable[[], None]] = field(default_factory=list)
    # Keys of the existing records the rows keep (pupil and staff ids; group members and tutor/PAL roles as
    # tuples), and for a whole file what is missing from it: [{id, name, detail}, …].
    kept: set[Any] = field(default_factory=set)
    missing: list[dict[str, Any]] | None = None
    encoding: str = ""  # how the file was read, as the preview names it ("Windows-1252 (ANSI)")
    # The rows with no problem found (what the counts describe), and why none could be read when the file
    # stopped before its rows: "columns" (the header lacks required columns) or "file" (any other such problem).
    clean_rows: int = 0
    unread: str = ""

    def fail(self, row: Row | int, column: str, message: str) -> None:
        self.errors.append(RowError(row if isinstance(row, int) else row.line, column, message))

    @property
    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "noun": self.noun,
            "noun_one": SINGULAR.get(self.noun, self.noun),
            "clean_rows": self.clean_rows,
            "details": {k: v for k, v in self.details.items() if v},
        }
        if self.missing is not None:
            summary["missing"] = self.missing
        if self.encoding:
            summary["encoding"] = self.encoding
        if self.unread:
            summary["unread"] = self.unread
        return summary

    def apply(self) -> None:
        for write in self.writes:
            write()


# --- Shared helpers ----------------------------------------------------------------------------


class Seen:
    """First line each key appeared on, to name both lines of a duplicate."""

    def __init__(self) -> None:
        self.lines: dict[Any, int] = {}

    def clash(self, key: Any, line: int) -> int | None:
        if key in self.lines:
            return self.lines[key]
        self.lines[key] = line
        return None


def appears_once(
    plan: Plan, parsed: ParsedFile, row: Row, seen: Seen, key: Any, column: str, said: str, who: str
) -> bool:
    """A record appears once in a file: False, with the error on the row naming both lines, when `key` (a UPN, an
    e-mail…, said as `said`) was on an earlier line."""
    if key and (first := seen.clash(key, row.line)):
        plan.fail(
            row,
            parsed.columns[column],
            f"{said} is on line {first} and line {row.line}: each {who} may appear once.",
        )
        return False
    return True


def sites_by_name(organisation: Organisation) -> dict[str, Any]:
    return {s.name.casefold(): s for s in organisation.sites.all()}


def site_for(plan: Plan, row: Row, column: str, sites: dict[str, Any]) -> Any:
    name = row.values.get("site")
    if not name:
        return None
    site = sites.get(name.casefold())
    if site is None:
        known = ", ".join(sorted(s.name for s in sites.values())) or "none are set up yet"
        plan.fail(row, column, f"Unknown site '{name}' (your sites: {known}).")
    return site


def diff(obj: Any, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def bulk_create_write(model: Any, objs: list[Any]) -> Callable[[], None]:
    def write() -> None:
        if objs:
            model.objects.bulk_create(objs, batch_size=BATCH_SIZE)

    return write


def bulk_update_write(model: Any, objs: list[Any], fields: set[str]) -> Callable[[], None]:
    def write() -> None:
        if objs and fields:
            model.objects.bulk_update(objs, sorted(fields), batch_size=BATCH_SIZE)

    return write


class PupilIndex:
    """The organisation's pupils by UPN and by MIS id."""

    def __init__(self, organisation: Organisation) -> None:
        self.pupils = list(Pupil.objects.filter(organisation=organisation))
        self.by_upn = {p.upn: p for p in self.pupils if p.upn}
        self.by_mis = {p.mis_id: p for p in self.pupils if p.mis_id}

    def find(self, plan: Plan, row: Row, parsed: ParsedFile, upn_field: str, mis_field: str) -> Pupil | None:
        upn, mis = row.values.get(upn_field), row.values.get(mis_field)
        pupil = (self.by_upn.get(upn) if upn else None) or (self.by_mis.get(mis) if mis else None)
        if pupil is None:
            said = f"UPN {upn}" if upn else f"MIS id {mis}"
            plan.fail(
                row,
                parsed.columns[upn_field if upn else mis_field],
                f"No pupil with {said} at this school: import pupils first, or correct the id.",
            )
        return pupil


class TutorMoves:
    """Putting pupils into tutor groups: one current tutor group each, moves end the old membership."""

    def __init__(self, organisation: Organisation, today: datetime.date) -> None:
        self.organisation, self.today = organisation, today
        self.current: dict[int, list[GroupMembership]] = {}
        for m in GroupMembership.objects.current(today).filter(
            organisation=organisation, group__kind=Group.Kind.TUTOR
        ):
            self.current.setdefault(m.pupil_id, []).append(m)
        self.new: list[tuple[Group, Pupil]] = []
        self.ended: list[GroupMembership] = []
        self.deleted: list[int] = []

    def place(self, group: Group, pupil: Pupil) -> None:
        memberships = self.current.get(pupil.pk, []) if pupil.pk else []
        if group.pk and any(m.group_id == group.pk for m in memberships):
            return
        for m in memberships:
            if m.starts_on < self.today:
                m.ends_on = self.today - datetime.timedelta(days=1)
                self.ended.append(m)
            else:
                self.deleted.append(m.pk)
        self.new.append((group, pupil))

    def write(self) -> None:
        if self.deleted:
            GroupMembership.objects.filter(pk__in=self.deleted).delete()
        GroupMembership.objects.bulk_update(self.ended, ["ends_on"], batch_size=BATCH_SIZE)
        GroupMembership.objects.bulk_create(
            [
                GroupMembership(organisation=self.organisation, group=g, pupil=p, starts_on=self.today)
                for g, p in self.new
            ],
            batch_size=BATCH_SIZE,
        )


def ending_missing(plan: Plan, job: ImportJob, entries: list[dict[str, Any]], noun: str) -> bool:
    """List what a whole file misses, and say whether to end it now: only when the importer asked, and only
    if it is what the preview showed (anything added since would otherwise be ended unseen)."""
    plan.missing = entries
    if not job.end_missing:
        return False
    previewed = sorted(str(e["id"]) for e in (job.summary or {}).get("missing", []))
    if previewed != sorted(str(e["id"]) for e in entries):
        plan.fail(
            0,
            "",
            f"The {noun} missing from the file have changed since the preview, so nothing was imported: "
            "upload the file again and check the new list.",
        )
        return False
    return True


def open_on(periods: QuerySet[Any], on: datetime.date) -> QuerySet[Any]:
    """Memberships or roles still running after `on`."""
    return periods.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))


def end_periods(periods: QuerySet[Any], on: datetime.date) -> None:
    """End memberships or roles on `on`, keeping their history; one that had not started by then never
    happened, and is removed."""
    running = open_on(periods, on)
    running.filter(starts_on__gt=on).delete()
    running.filter(starts_on__lte=on).update(ends_on=on)


def not_ended_before(today: datetime.date) -> Q:
    return Q(ends_on__isnull=True) | Q(ends_on__gte=today)
