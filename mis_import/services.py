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
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import PUPIL_ROLES, Role
from accounts.models import User
from audit.models import AuditEvent
from audit.services import record_event
from mis_import.columns import KINDS, ImportKind
from mis_import.models import WHOLE_FILE_KINDS, ImportJob
from mis_import.reader import ENCODINGS, ParsedFile, Row, RowError, read
from mis_import.registry import REGISTERED
from mis_import.uploads import safe_filename
from organisations.models import AcademicYear, Organisation
from people.models import Contact, Group, GroupMembership, Pupil, PupilContact, StaffMember

BATCH_SIZE = 500
MAX_STORED_ERRORS = 1000


def max_rows(kind: ImportKind) -> int:
    """The most rows one file of this kind may have (`MIS_IMPORT_MAX_ROWS`, or the kind's own setting)."""
    return int(getattr(settings, kind.max_rows_setting, kind.max_rows_default))


class ImportRefused(Exception):
    """The job cannot be imported (not checked, has errors, or already imported)."""


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

    def fail(self, row: Row | int, column: str, message: str) -> None:
        self.errors.append(RowError(row if isinstance(row, int) else row.line, column, message))

    @property
    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "noun": self.noun,
            "details": {k: v for k, v in self.details.items() if v},
        }
        if self.missing is not None:
            summary["missing"] = self.missing
        if self.encoding:
            summary["encoding"] = self.encoding
        return summary

    def apply(self) -> None:
        for write in self.writes:
            write()


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
    transaction.on_commit(lambda: check_import.enqueue(job.pk))
    return job


def job_check(*, job_id: int) -> ImportJob:
    """Check every row of an uploaded file, keeping the job's progress up to date; writes no records."""
    job = ImportJob.objects.select_related("organisation").get(pk=job_id)
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
        plan = Plan(noun=kind.label.lower(), encoding=read_as)
        plan.errors = list(parsed.errors)
        return parsed, plan
    today = timezone.localdate()
    if job.kind in REGISTERED:
        plan = REGISTERED[job.kind].plan(job, parsed, today, lock)
    else:
        planner = {
            "pupils": _plan_pupils,
            "contacts": _plan_contacts,
            "groups": _plan_groups,
            "staff": _plan_staff,
        }[job.kind]
        plan = planner(job.organisation, parsed, today)
    if job.is_whole_file:
        {
            "pupils": _plan_leavers,
            "groups": _plan_missing_members_and_roles,
            "staff": _plan_missing_staff,
        }[job.kind](plan, job, parsed, today)
    plan.errors = parsed.errors + plan.errors
    plan.encoding = read_as
    return parsed, plan


# --- Shared helpers ----------------------------------------------------------------------------


class _Seen:
    """First line each key appeared on, to name both lines of a duplicate."""

    def __init__(self) -> None:
        self.lines: dict[Any, int] = {}

    def clash(self, key: Any, line: int) -> int | None:
        if key in self.lines:
            return self.lines[key]
        self.lines[key] = line
        return None


def _sites(organisation: Organisation) -> dict[str, Any]:
    return {s.name.casefold(): s for s in organisation.sites.all()}


def _site_for(plan: Plan, row: Row, column: str, sites: dict[str, Any]) -> Any:
    name = row.values.get("site")
    if not name:
        return None
    site = sites.get(name.casefold())
    if site is None:
        known = ", ".join(sorted(s.name for s in sites.values())) or "none are set up yet"
        plan.fail(row, column, f"Unknown site '{name}' (your sites: {known}).")
    return site


def _diff(obj: Any, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _bulk_create(model: Any, objs: list[Any]) -> Callable[[], None]:
    def write() -> None:
        if objs:
            model.objects.bulk_create(objs, batch_size=BATCH_SIZE)

    return write


def _bulk_update(model: Any, objs: list[Any], fields: set[str]) -> Callable[[], None]:
    def write() -> None:
        if objs and fields:
            model.objects.bulk_update(objs, sorted(fields), batch_size=BATCH_SIZE)

    return write


class _PupilIndex:
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


class _TutorMoves:
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


# --- Pupils ------------------------------------------------------------------------------------

_PUPIL_FIELDS = {
    "legal_last_name": "",
    "legal_first_name": "",
    "preferred_first_name": "",
    "preferred_last_name": "",
    "date_of_birth": None,
    "sex": "",
    "year_group": None,
    "sen_status": Pupil.SenStatus.NONE,
    "admitted_on": None,
    "left_on": None,
}
_KEEP_WHEN_EMPTY = ("upn", "mis_id", "uln")  # identifiers are never blanked by an export that lacks them


def _plan_pupils(organisation: Organisation, parsed: ParsedFile, today: datetime.date) -> Plan:
    plan = Plan(noun="pupils")
    index = _PupilIndex(organisation)
    sites = _sites(organisation)
    present = set(parsed.columns)
    seen_upn, seen_mis, seen_pupil = _Seen(), _Seen(), _Seen()
    to_create: list[Pupil] = []
    to_update: list[Pupil] = []
    changed_fields: set[str] = set()
    tutor_rows: list[tuple[Row, Pupil]] = []
    for row in parsed.rows:
        v = row.values
        upn, mis = v.get("upn"), v.get("mis_id")
        ok = True
        if upn and (first := seen_upn.clash(upn, row.line)):
            plan.fail(
                row,
                parsed.columns["upn"],
                f"UPN {upn} is on line {first} and line {row.line}: each pupil may appear once.",
            )
            ok = False
        if mis and (first := seen_mis.clash(mis, row.line)):
            plan.fail(
                row,
                parsed.columns["mis_id"],
                f"MIS id {mis} is on line {first} and line {row.line}: each pupil may appear once.",
            )
            ok = False
        by_upn = index.by_upn.get(upn) if upn else None
        by_mis = index.by_mis.get(mis) if mis else None
        if by_upn and by_mis and by_upn.pk != by_mis.pk:
            plan.fail(
                row,
                parsed.columns["mis_id"],
                f"UPN {upn} belongs to {by_upn.display_name} but MIS id {mis} "
                f"to {by_mis.display_name}: correct one of them.",
            )
            ok = False
        pupil = by_upn or by_mis
        plan.kept.update(p.pk for p in (by_upn, by_mis) if p is not None)
        if pupil is not None and ok and (first := seen_pupil.clash(pupil.pk, row.line)):
            plan.fail(
                row,
                parsed.columns.get("upn", parsed.columns.get("mis_id", "")),
                f"Line {first} and line {row.line} are both {pupil.display_name} (matched by UPN or MIS id).",
            )
            ok = False
        site = _site_for(plan, row, parsed.columns.get("site", ""), sites) if "site" in present else None
        if v.get("site") and site is None:
            ok = False
        if not ok:
            continue
        values = {name: v.get(name, default) for name, default in _PUPIL_FIELDS.items() if name in present}
        for name in _KEEP_WHEN_EMPTY:
            if v.get(name):
                values[name] = v[name]
        if "site" in present:
            values["site_id"] = site.pk if site else None
        if pupil is None:
            pupil = Pupil(organisation=organisation, **values)
            to_create.append(pupil)
            plan.new += 1
        else:
            changed = _diff(pupil, values)
            if changed:
                changed_fields.update(changed)
                to_update.append(pupil)
                plan.updated += 1
            else:
                plan.unchanged += 1
        if v.get("tutor_group"):
            tutor_rows.append((row, pupil))
    now = timezone.now()
    for p in to_update:
        p.updated_at = now
    plan.writes.append(_bulk_create(Pupil, to_create))
    plan.writes.append(
        _bulk_update(Pupil, to_update, changed_fields | {"updated_at"} if changed_fields else set())
    )
    if tutor_rows:
        _plan_tutor_groups(plan, organisation, tutor_rows, today)
    return plan


def _plan_leavers(plan: Plan, job: ImportJob, parsed: ParsedFile, today: datetime.date) -> None:
    """A whole-roll pupil file: the pupils on roll (no leaving date) whom no row matched are leavers; when
    ended they get the leaving date and their group memberships end on it."""
    missing = list(
        Pupil.objects.filter(organisation=job.organisation, left_on__isnull=True)
        .exclude(pk__in=plan.kept)
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    entries = [{"id": p.pk, "name": p.display_name, "detail": p.year_label} for p in missing]
    if not _ending_missing(plan, job, entries, "pupils"):
        return
    on = job.ends_on or today
    for pupil in missing:
        if pupil.admitted_on and pupil.admitted_on > on:
            plan.fail(
                0,
                "",
                f"{pupil.display_name} was admitted on {pupil.admitted_on:%d/%m/%Y}, after the leaving date "
                f"{on:%d/%m/%Y}: choose a later leaving date.",
            )
    if plan.errors:
        return
    ids = [p.pk for p in missing]
    memberships = GroupMembership.objects.filter(organisation=job.organisation, pupil_id__in=ids)
    plan.details["pupils marked as left"] = len(ids)
    plan.details["group memberships ended"] = _open_on(memberships, on).count()

    def write_leavers() -> None:
        if not ids:
            return
        Pupil.objects.filter(pk__in=ids).update(left_on=on, updated_at=timezone.now())
        _end(memberships, on)

    plan.writes.append(write_leavers)


def _ending_missing(plan: Plan, job: ImportJob, entries: list[dict[str, Any]], noun: str) -> bool:
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


def _open_on(periods: QuerySet[Any], on: datetime.date) -> QuerySet[Any]:
    """Memberships or roles still running after `on`."""
    return periods.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))


def _end(periods: QuerySet[Any], on: datetime.date) -> None:
    """End memberships or roles on `on`, keeping their history; one that had not started by then never
    happened, and is removed."""
    running = _open_on(periods, on)
    running.filter(starts_on__gt=on).delete()
    running.filter(starts_on__lte=on).update(ends_on=on)


def _not_ended_before(today: datetime.date) -> Q:
    return Q(ends_on__isnull=True) | Q(ends_on__gte=today)


def _plan_tutor_groups(
    plan: Plan, organisation: Organisation, rows: list[tuple[Row, Pupil]], today: datetime.date
) -> None:
    groups = {
        g.name.casefold(): g
        for g in Group.objects.filter(organisation=organisation, kind=Group.Kind.TUTOR).order_by("-pk")
    }
    year = AcademicYear.for_date(today)
    created: dict[str, Group] = {}
    moves = _TutorMoves(organisation, today)
    for row, pupil in rows:
        name = row.values["tutor_group"]
        key = name.casefold()
        group = groups.get(key) or created.get(key)
        if group is None:
            group = Group(
                organisation=organisation,
                kind=Group.Kind.TUTOR,
                name=name,
                year_group=pupil.year_group,
                academic_year=year,
                site_id=pupil.site_id,
            )
            created[key] = group
        moves.place(group, pupil)
    plan.details["tutor groups created"] = len(created)
    plan.details["pupils placed in a tutor group"] = len(moves.new)
    plan.writes.append(_bulk_create(Group, list(created.values())))
    plan.writes.append(moves.write)


# --- Parents and carers ------------------------------------------------------------------------

_CONTACT_FIELDS = ("title", "first_name", "last_name", "email", "phone", "mobile", "address")
_LINK_DEFAULTS = {
    "relationship": "other",
    "has_parental_responsibility": True,
    "priority": 1,
    "lives_with_pupil": True,
    "no_contact": False,
}


def _plan_contacts(organisation: Organisation, parsed: ParsedFile, today: datetime.date) -> Plan:
    plan = Plan(noun="contacts")
    index = _PupilIndex(organisation)
    contacts = {c.mis_id: c for c in Contact.objects.filter(organisation=organisation).exclude(mis_id="")}
    links = {
        (link.pupil_id, link.contact_id): link
        for link in PupilContact.objects.filter(pupil__organisation=organisation)
    }
    present = set(parsed.columns)
    details_seen: dict[str, tuple[int, dict[str, Any]]] = {}
    seen_pair = _Seen()
    contact_state: dict[str, str] = {}  # mis id -> new / updated / unchanged
    new_contacts: dict[str, Contact] = {}
    updated_contacts: list[Contact] = []
    contact_fields: set[str] = set()
    new_links: list[tuple[Pupil, str, dict[str, Any]]] = []
    updated_links: list[PupilContact] = []
    link_fields: set[str] = set()
    unchanged_links = 0
    for row in parsed.rows:
        v = row.values
        pupil = index.find(plan, row, parsed, "pupil_upn", "pupil_mis_id")
        mis = v["mis_id"]
        details = {name: v.get(name, "") for name in _CONTACT_FIELDS if name in present}
        if mis in details_seen:
            first_seen, earlier = details_seen[mis]
            different = [parsed.columns[k] for k in details if details[k] != earlier[k]]
            if different:
                plan.fail(
                    row,
                    different[0],
                    f"Contact {mis} has different {', '.join(different)} on line {first_seen} and "
                    f"line {row.line}: one person's details must agree on every row.",
                )
                continue
        else:
            details_seen[mis] = (row.line, details)
        if pupil is None:
            continue
        if first := seen_pair.clash((pupil.pk, mis), row.line):
            plan.fail(
                row,
                parsed.columns["mis_id"],
                f"Contact {mis} and pupil {pupil.display_name} are on line {first} "
                f"and line {row.line}: list each contact once per pupil.",
            )
            continue
        if mis not in contact_state:
            contact = contacts.get(mis)
            if contact is None:
                new_contacts[mis] = Contact(organisation=organisation, mis_id=mis, **details)
                contact_state[mis] = "new"
            else:
                changed = _diff(contact, details)
                contact_fields.update(changed)
                contact_state[mis] = "updated" if changed else "unchanged"
                if changed:
                    updated_contacts.append(contact)
        link_values = {name: v.get(name, default) for name, default in _LINK_DEFAULTS.items()}
        contact = contacts.get(mis)
        link = links.get((pupil.pk, contact.pk)) if contact is not None else None
        if link is None:
            new_links.append((pupil, mis, link_values))
        else:
            changed = _diff(link, link_values)
            link_fields.update(changed)
            if changed:
                updated_links.append(link)
            else:
                unchanged_links += 1
    states = list(contact_state.values())
    plan.new, plan.updated, plan.unchanged = (
        states.count("new"),
        states.count("updated"),
        states.count("unchanged"),
    )
    plan.details = {
        "links to pupils added": len(new_links),
        "links to pupils updated": len(updated_links),
        "links to pupils unchanged": unchanged_links,
    }

    def write_links() -> None:
        every = {**contacts, **new_contacts}
        PupilContact.objects.bulk_create(
            [
                PupilContact(organisation=organisation, pupil=p, contact=every[m], **values)
                for p, m, values in new_links
            ],
            batch_size=BATCH_SIZE,
        )

    plan.writes += [
        _bulk_create(Contact, list(new_contacts.values())),
        _bulk_update(Contact, updated_contacts, contact_fields),
        _bulk_update(PupilContact, updated_links, link_fields),
        write_links,
    ]
    return plan


# --- Groups, members and staff roles -------------------------------------------------------------


def _plan_groups(organisation: Organisation, parsed: ParsedFile, today: datetime.date) -> Plan:
    plan = Plan(noun="groups")
    index = _PupilIndex(organisation)
    sites = _sites(organisation)
    existing = list(Group.objects.filter(organisation=organisation).order_by("-pk"))
    by_mis = {g.mis_id: g for g in existing if g.mis_id}
    by_name = {(g.kind, g.name.casefold()): g for g in existing}
    staff = {
        s.user.email: s.user
        for s in StaffMember.objects.filter(organisation=organisation, is_active=True).select_related("user")
    }
    members = set(
        GroupMembership.objects.current(today)
        .filter(organisation=organisation)
        .values_list("group_id", "pupil_id")
    )
    roles = set(
        RoleAssignment.objects.current(today)
        .filter(organisation=organisation, group__isnull=False)
        .values_list("user_id", "role", "group_id")
    )
    year = AcademicYear.for_date(today)
    definitions: dict[Any, tuple[int, dict[str, Any], Group]] = {}
    mis_names: dict[str, tuple[int, str]] = {}
    state: dict[Any, str] = {}
    new_groups: list[Group] = []
    updated_groups: list[Group] = []
    group_fields: set[str] = set()
    seen_member, seen_tutor_group = _Seen(), _Seen()
    moves = _TutorMoves(organisation, today)
    other_members: list[tuple[Group, Pupil]] = []
    new_roles: dict[tuple[int, str, int], tuple[User, str, Group]] = {}
    for row in parsed.rows:
        v = row.values
        name, mis = v["name"], v.get("group_mis_id", "")
        kind = v.get("kind", Group.Kind.TUTOR)
        if mis and mis in mis_names and mis_names[mis][1].casefold() != name.casefold():
            first_seen, first_name = mis_names[mis]
            plan.fail(
                row,
                parsed.columns["name"],
                f"Group ID {mis} is '{first_name}' on line {first_seen} but '{name}' on "
                f"line {row.line}: one id, one group.",
            )
            continue
        if mis:
            mis_names.setdefault(mis, (row.line, name))
        key = ("mis", mis) if mis else ("name", kind, name.casefold())
        site = _site_for(plan, row, parsed.columns.get("site", ""), sites)
        if v.get("site") and site is None:
            continue
        wanted = {"name": name, "kind": kind}
        if "year_group" in v:
            wanted["year_group"] = v["year_group"]
        if site is not None:
            wanted["site_id"] = site.pk
        if key in definitions:
            first_seen, earlier, defined = definitions[key]
            clash = [k for k in wanted if k in earlier and earlier[k] != wanted[k]]
            if clash:
                column = {"name": "name", "kind": "kind", "year_group": "year_group", "site_id": "site"}[
                    clash[0]
                ]
                plan.fail(
                    row,
                    parsed.columns.get(column, ""),
                    f"Group '{name}' has a different "
                    f"{parsed.columns.get(column, column)} on line {first_seen} and line {row.line}.",
                )
                continue
            earlier.update(wanted)
            group = defined
        else:
            matched = (by_mis.get(mis) if mis else None) or by_name.get((kind, name.casefold()))
            if matched is None:
                group = Group(organisation=organisation, academic_year=year, mis_id=mis, **wanted)
                new_groups.append(group)
                state[key] = "new"
            else:
                group = matched
                wanted_with_id = {**wanted, "mis_id": mis} if mis and not group.mis_id else wanted
                changed = _diff(group, wanted_with_id)
                group_fields.update(changed)
                state[key] = "updated" if changed else "unchanged"
                if changed:
                    updated_groups.append(group)
            definitions[key] = (row.line, dict(wanted), group)
        if v.get("pupil_upn") or v.get("pupil_mis_id"):
            pupil = index.find(plan, row, parsed, "pupil_upn", "pupil_mis_id")
            if pupil is not None:
                if group.pk:
                    plan.kept.add(("member", group.pk, pupil.pk))
                if first := seen_member.clash((key, pupil.pk), row.line):
                    plan.fail(
                        row,
                        parsed.columns.get("pupil_upn") or parsed.columns["pupil_mis_id"],
                        f"{pupil.display_name} is in group '{name}' on line {first} and line {row.line}: list each member once.",
                    )
                elif group.kind == Group.Kind.TUTOR:
                    if first := seen_tutor_group.clash(pupil.pk, row.line):
                        plan.fail(
                            row,
                            parsed.columns["name"],
                            f"{pupil.display_name} is put in a tutor group on line "
                            f"{first} and again on line {row.line}: a pupil has one tutor group.",
                        )
                    else:
                        moves.place(group, pupil)
                elif not (group.pk and (group.pk, pupil.pk) in members):
                    other_members.append((group, pupil))
        for field_name, role in (("tutor_emails", Role.TUTOR), ("pal_emails", Role.PAL)):
            for email in v.get(field_name, []):
                user = staff.get(email)
                if user is None:
                    plan.fail(
                        row,
                        parsed.columns[field_name],
                        f"No staff member with e-mail {email} at this school: "
                        "import staff first, or correct the address.",
                    )
                    continue
                if group.pk:
                    plan.kept.add(("role", user.pk, role.value, group.pk))
                if not (group.pk and (user.pk, role.value, group.pk) in roles):
                    new_roles.setdefault((user.pk, role.value, id(group)), (user, role.value, group))
    states = list(state.values())
    plan.new, plan.updated, plan.unchanged = (
        states.count("new"),
        states.count("updated"),
        states.count("unchanged"),
    )
    # A pupil moving tutor group already has the old membership ended by the move.
    plan.kept.update(("membership", pk) for pk in [m.pk for m in moves.ended] + moves.deleted)
    role_list = list(new_roles.values())
    plan.details = {
        "pupils placed in a tutor group": len(moves.new),
        "other memberships added": len(other_members),
        "tutor roles added": sum(1 for _, r, _ in role_list if r == Role.TUTOR),
        "groups added to a PAL caseload": sum(1 for _, r, _ in role_list if r == Role.PAL),
    }

    def write_members_and_roles() -> None:
        moves.write()
        GroupMembership.objects.bulk_create(
            [
                GroupMembership(organisation=organisation, group=g, pupil=p, starts_on=today)
                for g, p in other_members
            ],
            batch_size=BATCH_SIZE,
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(organisation=organisation, user=u, role=r, group=g, starts_on=today)
                for u, r, g in role_list
            ],
            batch_size=BATCH_SIZE,
        )

    plan.writes += [
        _bulk_create(Group, new_groups),
        _bulk_update(Group, updated_groups, group_fields),
        write_members_and_roles,
    ]
    return plan


_FILE_ROLES = {Role.TUTOR: "tutor_emails", Role.PAL: "pal_emails"}  # the roles a groups file gives, by column


def _plan_missing_members_and_roles(
    plan: Plan, job: ImportJob, parsed: ParsedFile, today: datetime.date
) -> None:
    """A whole groups file: the memberships, tutor roles and PAL caseload groups not ended before today that no
    row lists. A kind the file has no column for (no pupil column, say) is left alone, not ended."""
    organisation = job.organisation
    entries: list[dict[str, Any]] = []
    membership_ids: list[int] = []
    if {"pupil_upn", "pupil_mis_id"} & set(parsed.columns):
        memberships = (
            GroupMembership.objects.filter(_not_ended_before(today), organisation=organisation)
            .select_related("group", "pupil")
            .order_by("group__name", "pupil__legal_last_name", "pupil__legal_first_name", "pk")
        )
        for m in memberships:
            if ("member", m.group_id, m.pupil_id) not in plan.kept and ("membership", m.pk) not in plan.kept:
                membership_ids.append(m.pk)
                entries.append(
                    {
                        "id": f"membership {m.pk}",
                        "name": m.pupil.display_name,
                        "detail": f"Member of {m.group}",
                    }
                )
    role_ids: dict[str, list[int]] = {role: [] for role in _FILE_ROLES}
    roles = (
        RoleAssignment.objects.filter(
            _not_ended_before(today),
            organisation=organisation,
            group__isnull=False,
            role__in=[role for role, column in _FILE_ROLES.items() if column in parsed.columns],
        )
        .select_related("group", "user")
        .order_by("group__name", "role", "user__full_name", "pk")
    )
    for r in roles:
        if ("role", r.user_id, r.role, r.group_id) not in plan.kept:
            role_ids[r.role].append(r.pk)
            detail = f"Tutor of {r.group}" if r.role == Role.TUTOR else f"{r.group} on their PAL caseload"
            entries.append({"id": f"role {r.pk}", "name": r.user.full_name or r.user.email, "detail": detail})
    if not _ending_missing(plan, job, entries, "memberships and roles"):
        return
    on = job.ends_on or today
    plan.details["group memberships ended"] = len(membership_ids)
    plan.details["tutor roles ended"] = len(role_ids[Role.TUTOR])
    plan.details["groups taken off a PAL caseload"] = len(role_ids[Role.PAL])

    def write_ends() -> None:
        _end(GroupMembership.objects.filter(organisation=organisation, pk__in=membership_ids), on)
        _end(RoleAssignment.objects.filter(organisation=organisation, pk__in=sum(role_ids.values(), [])), on)

    plan.writes.append(write_ends)


# --- Staff -------------------------------------------------------------------------------------

_STAFF_FIELDS = {"title": "", "first_name": "", "last_name": "", "job_title": ""}


def _plan_staff(organisation: Organisation, parsed: ParsedFile, today: datetime.date) -> Plan:
    plan = Plan(noun="staff")
    sites = _sites(organisation)
    present = set(parsed.columns)
    existing = list(StaffMember.objects.filter(organisation=organisation).select_related("user"))
    by_mis = {s.mis_id: s for s in existing if s.mis_id}
    by_email = {s.user.email: s for s in existing}
    emails = [row.values["email"] for row in parsed.rows]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    seen_email, seen_mis = _Seen(), _Seen()
    new_users: dict[str, User] = {}
    new_staff: list[StaffMember] = []
    updated: list[StaffMember] = []
    fields: set[str] = set()
    for row in parsed.rows:
        v = row.values
        email, mis = v["email"], v.get("mis_id", "")
        ok = True
        if first := seen_email.clash(email, row.line):
            plan.fail(
                row,
                parsed.columns["email"],
                f"{email} is on line {first} and line {row.line}: each person may appear once.",
            )
            ok = False
        if mis and (first := seen_mis.clash(mis, row.line)):
            plan.fail(
                row,
                parsed.columns["mis_id"],
                f"Staff ID {mis} is on line {first} and line {row.line}: each person may appear once.",
            )
            ok = False
        member = (by_mis.get(mis) if mis else None) or by_email.get(email)
        if member is not None:
            plan.kept.add(member.pk)
        if member is not None and member.user.email != email:
            plan.fail(
                row,
                parsed.columns["email"],
                f"Staff ID {mis} signs in as {member.user.email}, not {email}: "
                "change the address on their account first.",
            )
            ok = False
        elif member is not None and mis and member.mis_id and member.mis_id != mis:
            plan.fail(row, parsed.columns["mis_id"], f"{email} has Staff ID {member.mis_id} here, not {mis}.")
            ok = False
        site = _site_for(plan, row, parsed.columns.get("site", ""), sites) if "site" in present else None
        if v.get("site") and site is None:
            ok = False
        if not ok:
            continue
        values = {name: v.get(name, default) for name, default in _STAFF_FIELDS.items() if name in present}
        values["is_active"] = True  # someone marked as gone who is back in the MIS is staff again
        if mis:
            values["mis_id"] = mis
        if "site" in present:
            values["site_id"] = site.pk if site else None
        if member is None:
            user = users.get(email)
            if user is None:
                user = User(email=email, full_name=f"{v['first_name']} {v['last_name']}")
                user.set_unusable_password()
                new_users[email] = user
            new_staff.append(StaffMember(organisation=organisation, user=user, **values))
            plan.new += 1
        else:
            changed = _diff(member, values)
            fields.update(changed)
            if changed:
                updated.append(member)
                plan.updated += 1
            else:
                plan.unchanged += 1
    plan.details = {"sign-ins created (no password until they reset it)": len(new_users)}

    def write_staff() -> None:
        for member in new_staff:
            member.user_id = member.user.pk
        StaffMember.objects.bulk_create(new_staff, batch_size=BATCH_SIZE)

    plan.writes += [
        _bulk_create(User, list(new_users.values())),
        write_staff,
        _bulk_update(StaffMember, updated, fields),
    ]
    return plan


# The school roles a whole staff file ends for staff missing from it. Qualification roles (participant, mentor…)
# follow the person's course, not their post, so they are left alone.
_SCHOOL_STAFF_ROLES = PUPIL_ROLES | {Role.CPD_COORDINATOR}


def _plan_missing_staff(plan: Plan, job: ImportJob, parsed: ParsedFile, today: datetime.date) -> None:
    """A whole staff file: active staff whom no row matched are no longer at the school; when ended they are
    marked inactive and their school roles here end."""
    organisation = job.organisation
    missing = list(
        StaffMember.objects.filter(organisation=organisation, is_active=True)
        .exclude(pk__in=plan.kept)
        .select_related("user")
        .order_by("last_name", "first_name", "pk")
    )
    user_ids = [s.user_id for s in missing]
    roles = RoleAssignment.objects.filter(
        organisation=organisation, user_id__in=user_ids, role__in=_SCHOOL_STAFF_ROLES
    )
    held: dict[int, list[str]] = {}
    for r in roles.filter(_not_ended_before(today)).select_related("group", "site"):
        held.setdefault(r.user_id, []).append(
            r.get_role_display() + (f" ({r.scope_label})" if r.scope_label else "")
        )
    entries = [
        {
            "id": s.pk,
            "name": str(s),
            "detail": f"{s.user.email}; "
            + (", ".join(sorted(held[s.user_id])) if s.user_id in held else "no roles"),
        }
        for s in missing
    ]
    if not _ending_missing(plan, job, entries, "staff"):
        return
    if job.imported_by_id in user_ids:
        plan.fail(
            0,
            "",
            "You are not in this staff file, so importing it would end your own roles and lock you out: "
            "add yourself to the file, or import it without ending the staff missing from it.",
        )
        return
    on = job.ends_on or today
    ids = [s.pk for s in missing]
    plan.details["staff marked as no longer at the school"] = len(ids)
    plan.details["staff roles ended"] = _open_on(roles, on).count()

    def write_staff_leavers() -> None:
        if not ids:
            return
        StaffMember.objects.filter(pk__in=ids).update(is_active=False)
        _end(roles, on)

    plan.writes.append(write_staff_leavers)
