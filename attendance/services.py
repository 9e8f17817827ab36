"""Writes: taking registers, amendments, suspensions, follow-up, letters and the MIS import."""

from __future__ import annotations

import datetime
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from attendance import rollup, selectors
from attendance.codes import CODES, category_of
from attendance.models import (
    AttendanceMark,
    ContactLog,
    EscalationStage,
    LetterTemplate,
    MarkAmendment,
    PupilEscalation,
    Register,
    Session,
)
from audit.services import record_event
from organisations import calendar
from organisations.models import Organisation
from people.models import Group, Pupil

BEFORE_CLOSE_REASON = "Corrected while the register was open"


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


def _amendment(
    mark: AttendanceMark | _Held,
    code: str,
    minutes: int | None,
    *,
    actor: Any,
    now: datetime.datetime,
    reason: str,
) -> MarkAmendment:
    """The append-only record of changing `mark` to `code` (not saved): original and new, who, when, why."""
    return MarkAmendment(
        organisation_id=mark.organisation_id,
        pupil_id=mark.pupil_id,
        date=mark.date,
        session=mark.session,
        original_code=mark.code,
        original_minutes_late=mark.minutes_late,
        new_code=code,
        new_minutes_late=minutes,
        amended_by=actor,
        amended_at=now,
        reason=reason,
    )


def _clean_entry(pupil_id: int, entry: Entry) -> None:
    if entry.code not in CODES:
        raise ValidationError({str(pupil_id): f"{entry.code!r} is not a national attendance code."})
    if entry.code == "L" and not entry.minutes_late:
        raise ValidationError({str(pupil_id): "L (late) needs the minutes late."})


def _take_register(
    group: Group, date: datetime.date, session: str, lesson: str, *, actor: Any, now: datetime.datetime
) -> Register:
    """Create or update the register row in one statement and hold its lock until the transaction ends.

    `INSERT … ON CONFLICT DO UPDATE` both creates the row (two savers at once: one inserts, the other
    waits and updates) and locks it, so savers of one register queue here. It counts the save (`version`)
    and, the first time, records who took the register and when. Call inside the caller's transaction.
    """
    table = connection.ops.quote_name(Register._meta.db_table)
    rows = list(
        Register.objects.raw(
            f"INSERT INTO {table} (organisation_id, group_id, date, session, lesson, version, taken_at, taken_by_id) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, 1, %s, %s) "
            "ON CONFLICT (organisation_id, group_id, date, session, lesson) DO UPDATE SET "
            f"version = {table}.version + 1, "
            f"taken_by_id = CASE WHEN {table}.taken_at IS NULL THEN excluded.taken_by_id ELSE {table}.taken_by_id END, "
            f"taken_at = COALESCE({table}.taken_at, excluded.taken_at) "
            "RETURNING id, organisation_id, group_id, date, session, lesson, version, taken_at, taken_by_id",
            [group.organisation_id, group.pk, date, session, lesson, now, actor.pk],
        )
    )
    register = rows[0]
    register.group = group  # already loaded: no query when the audit event names the register
    if register.taken_by_id == actor.pk:
        register.taken_by = actor
    return register


def _held_marks(
    organisation_id: int, pupil_ids: list[int], date: datetime.date, session: str
) -> dict[int, _Held]:
    """The pupils' saved marks for the session, by pupil, locked (FOR UPDATE) until the transaction ends.

    Filtered on the organisation too, so on Citus it goes to the one node holding the school."""
    if not pupil_ids:
        return {}
    table = connection.ops.quote_name(AttendanceMark._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    pupils = ", ".join(["%s"] * len(pupil_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, organisation_id, pupil_id, code, category, minutes_late FROM {table} "  # noqa: S608
            f"WHERE organisation_id = %s AND date = %s AND session = %s AND pupil_id IN ({pupils}){lock}",
            [organisation_id, connection.ops.adapt_datefield_value(date), session, *pupil_ids],
        )
        return {
            pupil: _Held(pk, org, pupil, date, session, code, category, minutes)
            for pk, org, pupil, code, category, minutes in cursor.fetchall()
        }


def _insert_amendments(amendments: list[MarkAmendment]) -> None:
    """Append amendment records with one multi-row INSERT (the register save's few; no ORM compile)."""
    # On PostgreSQL the rows go as an array a column (UNNEST), so the statement's text is always the same.
    if not amendments:
        return
    ops = connection.ops
    table = ops.quote_name(MarkAmendment._meta.db_table)
    columns = (
        "organisation_id, pupil_id, date, session, original_code, original_minutes_late, new_code, "
        "new_minutes_late, amended_by_id, amended_at, reason"
    )
    rows = [
        (
            a.organisation_id,
            a.pupil_id,
            a.date,
            a.session,
            a.original_code,
            a.original_minutes_late,
            a.new_code,
            a.new_minutes_late,
            a.amended_by_id,
            a.amended_at,
            a.reason,
        )
        for a in amendments
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST(%s::bigint[], %s::bigint[], "  # noqa: S608
                "%s::date[], %s::varchar[], %s::varchar[], %s::smallint[], %s::varchar[], %s::smallint[], "
                "%s::bigint[], %s::timestamptz[], %s::varchar[])",
                [list(column) for column in zip(*rows, strict=True)],
            )
            return
        params: list[Any] = []
        for row in rows:
            params += [*row[:2], ops.adapt_datefield_value(row[2]), *row[3:9]]
            params += [ops.adapt_datetimefield_value(row[9]), row[10]]
        values = ", ".join(["(" + ", ".join(["%s"] * 11) + ")"] * len(rows))
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)  # noqa: S608


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
    with connection.cursor() as cursor:
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

    The register row is locked (SELECT … FOR UPDATE) so two savers queue; a pupil whose mark changed
    since the page was loaded (`Entry.original` differs) is not overwritten but reported as a conflict.
    `L` entered after the register closed becomes `U`. A change to a saved mark is an amendment:
    after the register closed it needs a reason; before, it is recorded as a correction.
    """
    if session not in Session.values:
        raise ValidationError("Unknown session.")
    now = now or timezone.now()
    for pupil_id, entry in entries.items():
        _clean_entry(pupil_id, entry)
    allowed = set(selectors.register_pupil_ids(group, date))
    stray = set(entries) - allowed
    if stray:
        raise ValidationError(f"{len(stray)} pupil(s) are not on this register.")
    closed = selectors.is_register_closed(group.organisation, date, session, now)
    with transaction.atomic():
        register = _take_register(group, date, session, "", actor=actor, now=now)
        result = RegisterResult(register=register)
        existing = _held_marks(group.organisation_id, list(allowed), date, session)
        # Whatever happens below, the page matches the register only if it showed every pupil on it, and a
        # blank row is still blank.
        in_sync = shown is not None and shown == allowed
        in_sync = in_sync and not any(pid not in entries and pid in existing for pid in allowed)
        to_create, to_update, amendments = [], [], []
        changes: list[rollup.Change] = []
        for pupil_id, entry in entries.items():
            mark = existing.get(pupil_id)
            code, minutes = entry.code, entry.minutes_late if entry.code in ("L", "U") else None
            if mark is not None and entry.original is not None and entry.original == code:
                # This person left the pupil as they found them: whatever is saved now (perhaps someone
                # else's change) stays.
                result.unchanged += 1
                in_sync = in_sync and (mark.code, mark.minutes_late) == (code, minutes)
                continue
            if code == "L" and closed and (mark is None or mark.code != "L"):
                code = "U"
                result.late_to_u.append(pupil_id)
            if mark is None:
                if (
                    entry.original
                ):  # it had a mark when the page was loaded, and someone removed it: impossible
                    result.conflicts.append(pupil_id)
                    continue
                to_create.append(
                    AttendanceMark(
                        organisation_id=group.organisation_id,
                        pupil_id=pupil_id,
                        date=date,
                        session=session,
                        code=code,
                        category=int(category_of(code)),
                        minutes_late=minutes,
                        recorded_by=actor,
                        recorded_at=now,
                    )
                )
                continue
            if mark.code == code and mark.minutes_late == minutes:
                result.unchanged += 1
                continue
            if entry.original is not None and entry.original != mark.code:
                result.conflicts.append(pupil_id)  # someone else changed it since this page was loaded
                continue
            if closed and not reason.strip():
                raise ValidationError("The register has closed: give a reason for the changes.")
            amendments.append(
                _amendment(
                    mark, code, minutes, actor=actor, now=now, reason=reason.strip() or BEFORE_CLOSE_REASON
                )
            )
            changes.append(
                rollup.Change(mark.organisation_id, pupil_id, date, mark.category, int(category_of(code)))
            )
            to_update.append(mark._replace(code=code, category=int(category_of(code)), minutes_late=minutes))
        if to_create:
            AttendanceMark.objects.bulk_create(to_create)
            changes += [
                rollup.Change(m.organisation_id, m.pupil_id, date, None, m.category) for m in to_create
            ]
        _update_marks(to_update, actor=actor, now=now)
        rollup.apply(changes)
        if amendments:
            _insert_amendments(amendments)
        result.created, result.amended = len(to_create), len(to_update)
        result.in_sync = in_sync and not result.conflicts and not result.late_to_u
        if to_create or to_update:
            record_event(
                action="update",
                actor=actor,
                obj=register,
                note=f"register saved: {len(to_create)} new, {len(to_update)} amended marks",
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
        _amendment(mark, code, minutes, actor=actor, now=now, reason=reason.strip()).save()
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
    return amend_mark(
        actor=actor, pupil=mark.pupil, date=mark.date, session=mark.session, code=code, reason=reason
    )


# --- Follow-up --------------------------------------------------------------------------------


def log_contact(*, actor: Any, pupil: Pupil, data: dict[str, Any]) -> ContactLog:
    entry = ContactLog(organisation_id=pupil.organisation_id, pupil=pupil, recorded_by=actor, **data)
    if entry.contact is not None and entry.contact.organisation_id != pupil.organisation_id:
        raise ValidationError({"contact": "That contact belongs to another organisation."})
    if not entry.contact_id and not entry.to_whom.strip():
        raise ValidationError({"to_whom": "Choose a contact or say who you contacted."})
    entry.full_clean()
    entry.save()
    return entry


def escalate(*, actor: Any, pupil: Pupil, stage: EscalationStage, note: str = "") -> PupilEscalation:
    if stage.organisation_id != pupil.organisation_id:
        raise ValidationError("That stage belongs to another organisation.")
    entry = PupilEscalation(
        organisation_id=pupil.organisation_id, pupil=pupil, stage=stage, note=note, recorded_by=actor
    )
    entry.full_clean()
    entry.save()
    return entry


def letter_text(*, template: LetterTemplate, pupil: Pupil, start: datetime.date, end: datetime.date) -> str:
    """The letter body with placeholders filled in (safe_substitute: unknown `$words` stay as typed)."""
    from people.models import PupilContact

    figures = selectors.pupil_attendance_summary(pupil=pupil, start=start, end=end)
    link = PupilContact.objects.filter(pupil=pupil).select_related("contact").order_by("priority").first()
    pct = lambda v: "—" if v is None else f"{v * 100:.1f}%"  # noqa: E731
    return string.Template(template.body).safe_substitute(
        pupil_name=pupil.display_name,
        contact_name=str(link.contact) if link else "Parent or carer",
        school_name=pupil.organisation.name,
        attendance_rate=pct(figures["attendance_rate"]),
        absence_rate=pct(figures["absence_rate"]),
        start=f"{start:%-d %B %Y}",
        end=f"{end:%-d %B %Y}",
        today=f"{timezone.localdate():%-d %B %Y}",
    )


def letter_pdf(
    *, actor: Any, template: LetterTemplate, pupil: Pupil, start: datetime.date, end: datetime.date
) -> bytes:
    """Render the letter as a PDF (WeasyPrint) and log it as a letter contact."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    body = letter_text(template=template, pupil=pupil, start=start, end=end)
    html = render_to_string(
        "attendance/letter_pdf.html",
        {
            "pupil": pupil,
            "paragraphs": [p for p in body.split("\n\n") if p.strip()],
            "organisation": pupil.organisation,
        },
    )
    pdf = HTML(string=html).write_pdf()
    from people.models import PupilContact

    link = PupilContact.objects.filter(pupil=pupil).order_by("priority").first()
    log_contact(
        actor=actor,
        pupil=pupil,
        data={
            "method": ContactLog.Method.LETTER,
            "contact": link.contact if link else None,
            "to_whom": "" if link else "Parent or carer",
            "outcome": f"Letter sent: {template.name}",
            "next_step": "",
        },
    )
    return pdf


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


# --- Lesson registers -------------------------------------------------------------------------

LESSON_NAME_MAX = 60


@dataclass
class LessonRegisterResult:
    register: Register
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    conflicts: list[int] = field(default_factory=list)


def save_lesson_register(
    *,
    actor: Any,
    group: Group,
    date: datetime.date,
    session: str,
    lesson: str,
    entries: dict[int, Entry],
    reason: str = "",
    now: datetime.datetime | None = None,
) -> LessonRegisterResult:
    """Save a lesson register in one transaction. Lesson marks are internal monitoring: they never touch
    `AttendanceMark` or the statutory figures. Changes to saved marks are written to the audit log
    (old → new per pupil); a mark someone else changed since the page was loaded is reported, not overwritten.
    """
    from attendance.codes import TUTOR_CODES
    from attendance.models import LessonMark

    lesson = " ".join(lesson.split())
    if not lesson:
        raise ValidationError({"lesson": "Give the lesson or period, e.g. 'P3 Maths'."})
    if len(lesson) > LESSON_NAME_MAX:
        raise ValidationError({"lesson": f"The lesson name can have at most {LESSON_NAME_MAX} characters."})
    if session not in Session.values:
        raise ValidationError({"session": "Unknown session."})
    now = now or timezone.now()
    if date > timezone.localdate(now):
        raise ValidationError({"date": "Lesson registers cannot be taken for future days."})
    for pupil_id, entry in entries.items():
        _clean_entry(pupil_id, entry)
        if entry.code not in TUTOR_CODES:
            raise ValidationError({str(pupil_id): f"{entry.code!r} cannot be used in a lesson register."})
    allowed = {p.pk for p in selectors.register_pupils(group, date)}
    stray = set(entries) - allowed
    if stray:
        raise ValidationError(f"{len(stray)} pupil(s) are not in this group on that date.")
    with transaction.atomic():
        register = _take_register(group, date, session, lesson, actor=actor, now=now)
        result = LessonRegisterResult(register=register)
        existing = {m.pupil_id: m for m in LessonMark.objects.select_for_update().filter(register=register)}
        to_create, to_update, changes = [], [], {}
        for pupil_id, entry in entries.items():
            mark = existing.get(pupil_id)
            code, minutes = entry.code, entry.minutes_late if entry.code in ("L", "U") else None
            if mark is None:
                if entry.original:  # it had a mark when the page was loaded: marks are never removed
                    result.conflicts.append(pupil_id)
                    continue
                to_create.append(
                    LessonMark(
                        organisation_id=group.organisation_id,
                        register=register,
                        pupil_id=pupil_id,
                        code=code,
                        minutes_late=minutes,
                        recorded_by=actor,
                        recorded_at=now,
                    )
                )
                continue
            if entry.original is not None and entry.original == code:
                result.unchanged += 1  # left as found: keep whatever is saved now
                continue
            if mark.code == code and mark.minutes_late == minutes:
                result.unchanged += 1
                continue
            if entry.original is not None and entry.original != mark.code:
                result.conflicts.append(pupil_id)
                continue
            changes[str(pupil_id)] = [
                _lesson_value(mark.code, mark.minutes_late),
                _lesson_value(code, minutes),
            ]
            mark.code, mark.minutes_late, mark.recorded_by, mark.recorded_at = code, minutes, actor, now
            to_update.append(mark)
        LessonMark.objects.bulk_create(to_create)
        LessonMark.objects.bulk_update(to_update, ["code", "minutes_late", "recorded_by", "recorded_at"])
        result.created, result.changed = len(to_create), len(to_update)
        if to_create or to_update:
            note = f"lesson register saved: {len(to_create)} new, {len(to_update)} changed marks"
            if to_update and reason.strip():
                note += f"; reason: {reason.strip()[:200]}"
            record_event(action="update", actor=actor, obj=register, changes=changes, note=note)
    return result


def _lesson_value(code: str, minutes: int | None) -> str:
    return f"{code} ({minutes} min)" if minutes else code


# --- Escalation: recording the stages that are due --------------------------------------------

AUTOMATIC_NOTE = "Recorded automatically: the pupil met the stage's entry rule."


def record_due_escalations(
    *,
    actor: Any,
    organisation: Organisation,
    pupil_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
    note: str = "",
) -> list[PupilEscalation]:
    """Record the next stage for pupils who are due (all of them, or those of `pupil_ids` still due).

    One transaction: the pupils are locked and the due list recomputed inside it, so two people confirming
    the same list (or the nightly task) never record a stage twice. Each escalation is tracked in the audit
    log and one event summarises the batch.
    """
    today = today or timezone.localdate()
    wanted = None if pupil_ids is None else {int(p) for p in pupil_ids}
    with transaction.atomic():
        candidates = Pupil.objects.filter(organisation=organisation)
        if wanted is not None:
            candidates = candidates.filter(pk__in=wanted)
        list(candidates.select_for_update().order_by("pk").values_list("pk", flat=True))
        created = []
        for row in selectors.escalations_due(organisation, today):
            if wanted is not None and row["pupil"].pk not in wanted:
                continue
            entry = PupilEscalation(
                organisation=organisation,
                pupil=row["pupil"],
                stage=row["stage"],
                started_on=today,
                note=note
                or f"Absence {row['absence_pct']} of {row['possible']} possible sessions this year.",
                recorded_by=actor,
            )
            entry.full_clean(exclude=["recorded_by"])  # None: recorded by the nightly task
            entry.save()
            created.append(entry)
        if created:
            record_event(
                action="create",
                actor=actor,
                organisation_id=organisation.pk,
                object_type="attendance.PupilEscalation",
                note=f"escalation stages recorded for {len(created)} pupil(s)"
                + (" automatically" if actor is None else ""),
            )
    return created


def escalate_automatically(*, today: datetime.date | None = None) -> dict[int, int]:
    """For every school that switched automatic escalation on, record the stages due. {organisation id: count}."""
    from attendance.models import AttendanceSettings

    done = {}
    for settings in AttendanceSettings.objects.filter(escalate_automatically=True).select_related(
        "organisation"
    ):
        created = record_due_escalations(
            actor=None, organisation=settings.organisation, today=today, note=AUTOMATIC_NOTE
        )
        done[settings.organisation_id] = len(created)
    return done


# --- Retention ---------------------------------------------------------------------------------


@dataclass
class RetentionCounts:
    organisation: Organisation
    amendments: int
    contact_logs: int
    marks: int = 0
    lesson_marks: int = 0
    registers: int = 0

    @property
    def total(self) -> int:
        return self.amendments + self.contact_logs + self.marks + self.lesson_marks + self.registers


def retention_counts(*, organisation: Organisation, today: datetime.date | None = None) -> RetentionCounts:
    """What the retention job would delete for a school today (the dry run)."""
    today = today or timezone.localdate()
    from attendance.models import LessonMark

    registers = selectors.expired_registers(organisation, today)
    return RetentionCounts(
        organisation,
        selectors.expired_amendments(organisation, today).count(),
        selectors.expired_contact_logs(organisation, today).count(),
        marks=selectors.expired_marks(organisation, today).count(),
        lesson_marks=LessonMark.objects.filter(register__in=registers).count(),
        registers=registers.count(),
    )


def apply_retention(
    *, organisation: Organisation, today: datetime.date | None = None, actor: Any = None
) -> RetentionCounts:
    """Delete amendments past their keep-until date, statutory marks and registers (with their lesson marks)
    dated more than six years ago, and contact logs past the school's period, in one transaction, and record
    one audit event with the counts. The pupils whose old marks went have their roll-up rebuilt from what
    remains, in the same transaction.

    This is the only place amendments are deleted: it deliberately bypasses the append-only guard on
    `MarkAmendment`'s queryset. Contact logs go by a raw delete so the audit log gets one summary, not a copy
    of every note it is meant to forget.
    """
    from attendance.models import LessonMark, MarkAmendment

    today = today or timezone.localdate()
    with transaction.atomic():
        amendments = selectors.expired_amendments(organisation, today)
        deleted_amendments, _ = _delete_past_guard(amendments)
        contacts = selectors.expired_contact_logs(organisation, today)
        deleted_contacts = contacts._raw_delete(contacts.db) if contacts.exists() else 0
        marks = selectors.expired_marks(organisation, today)
        pupil_ids = list(marks.order_by().values_list("pupil_id", flat=True).distinct())
        deleted_marks = marks._raw_delete(marks.db) if pupil_ids else 0
        if pupil_ids:
            rollup.rebuild(pupil_ids=pupil_ids)
        registers = selectors.expired_registers(organisation, today)
        lesson_marks = LessonMark.objects.filter(register__in=registers.values("pk"))
        deleted_lesson_marks = lesson_marks._raw_delete(lesson_marks.db) if lesson_marks.exists() else 0
        deleted_registers = registers._raw_delete(registers.db) if registers.exists() else 0
        counts = RetentionCounts(
            organisation,
            deleted_amendments,
            deleted_contacts,
            marks=deleted_marks,
            lesson_marks=deleted_lesson_marks,
            registers=deleted_registers,
        )
        if counts.total:
            record_event(
                action="delete",
                actor=actor,
                organisation_id=organisation.pk,
                object_type=MarkAmendment._meta.label,
                note=f"retention: {counts.amendments} attendance amendment(s) older than six years, "
                f"{counts.marks} mark(s) and {counts.registers} register(s) ({counts.lesson_marks} lesson "
                f"mark(s)) dated more than six years ago, and {counts.contact_logs} contact log(s) past the "
                "school's period deleted",
            )
    return counts


def _delete_past_guard(qs: Any) -> tuple[int, dict[str, int]]:
    """Django's own QuerySet.delete, past `AmendmentQuerySet.delete`'s refusal (retention only)."""
    from django.db.models import QuerySet

    return QuerySet.delete(qs)
