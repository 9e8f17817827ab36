"""Attendance marks as a kind of MIS import: the columns of a marks file and the rules each row must pass.

The MIS import framework (`mis_import`) reads the file (encoding, line endings, header names, row-level
errors), checks it in the background with progress, previews it and imports it all at once or not at all.
This module adds what is particular to marks: the pupil is found by UPN, then MIS id; the code must be a
national attendance code; `L` needs the minutes late; a pupil has one mark a session. A changed mark is an
amendment (original, new value, who, when, reason "MIS import"), and the roll-up is kept in step, by
`services.write_imported_marks` inside the import's transaction.
"""

from __future__ import annotations

import datetime
import sys
from typing import Any

from attendance import services
from attendance.codes import CODES
from attendance.models import Session
from mis_import.columns import PUPIL_MIS_ID, CellError, Column, ImportKind, choice, parse_date
from mis_import.models import ImportJob
from mis_import.reader import ParsedFile
from mis_import.services import Plan
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
    wanted: list[services.ImportedMark] = []
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
        wanted.append(
            services.ImportedMark(pupil_id, date, session, code, minutes if code in ("L", "U") else None)
        )
    if not wanted:
        return plan
    held = services.marks_held(
        organisation=organisation,
        pupil_ids=sorted({m.pupil_id for m in wanted}),
        first=min(m.date for m in wanted),
        last=max(m.date for m in wanted),
        lock=lock,
    )
    new: list[services.ImportedMark] = []
    amended: list[tuple[Any, services.ImportedMark]] = []
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
        services.write_imported_marks(
            organisation=organisation, actor=job.imported_by, new=new, amended=amended
        )

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
    )
