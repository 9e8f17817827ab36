"""Pupil premium, free school meals, young carer and SEN status as a kind of MIS import ("factors").

The MIS import framework reads the file, checks it in the background with progress, previews it with row-level
errors and imports every row or none. This module adds the rules: the pupil is found by UPN, then MIS id; each
of Pupil Premium, Free School Meals and Young Carer is Y or N, SEN Status N, K (SEN support) or E (EHC plan); an
empty cell (or a missing column) leaves what is held as it is; a pupil appears once a file. Pupil premium, FSM
and young carer are kept in `early_warning.StudentFactor`; SEN status is the pupil's own (`Pupil.sen_status`,
as the pupils file sets it).
"""

from __future__ import annotations

import datetime
from typing import Any

from early_warning import services
from early_warning.models import StudentFactor
from mis_import.columns import PUPIL_MIS_ID, Column, ImportKind, parse_bool, parse_sen_status, text
from mis_import.models import ImportJob
from mis_import.reader import ParsedFile
from mis_import.services import Plan
from people.models import Pupil

FLAGS = ("pupil_premium", "free_school_meals", "young_carer")
FIELDS = (*FLAGS, "sen_status")

FACTORS = ImportKind(
    "factors",
    "Pupil premium, FSM, young carer and SEN",
    (
        Column(
            "upn", "UPN", ("Unique Pupil Number", "Pupil UPN"), text(20), help="Matched before the MIS id."
        ),
        PUPIL_MIS_ID,
        Column(
            "pupil_premium",
            "Pupil Premium",
            ("PP", "Pupil Premium Indicator", "Disadvantaged"),
            parse_bool,
            help="Y or N; empty leaves it as it is.",
        ),
        Column(
            "free_school_meals",
            "Free School Meals",
            ("FSM", "FSM Eligible", "Eligible for FSM", "FSM Indicator"),
            parse_bool,
            help="Y or N; empty leaves it as it is.",
        ),
        Column("young_carer", "Young Carer", ("Young Carer Indicator", "Carer"), parse_bool, help="Y or N."),
        Column(
            "sen_status",
            "SEN Status",
            ("SEN Provision", "SEN", "SEN Need"),
            parse_sen_status,
            help="N, K (SEN support) or E (EHC plan); the words are read too.",
        ),
    ),
    one_of=(("upn", "mis_id"), FIELDS),
)


def _pupils(organisation: Any) -> tuple[dict[str, Pupil], dict[str, Pupil]]:
    by_upn: dict[str, Pupil] = {}
    by_mis: dict[str, Pupil] = {}
    for pupil in Pupil.objects.filter(organisation=organisation).only("pk", "upn", "mis_id", "sen_status"):
        if pupil.upn:
            by_upn[pupil.upn.upper()] = pupil
        if pupil.mis_id:
            by_mis[pupil.mis_id] = pupil
    return by_upn, by_mis


def plan_factors(job: ImportJob, parsed: ParsedFile, today: datetime.date, lock: bool) -> Plan:
    """Check every row against the school's pupils and prepare the writes (nothing is written here)."""
    organisation = job.organisation
    plan = Plan(noun="pupils")
    columns = {**{c.field: c.label for c in FACTORS.columns}, **parsed.columns}
    by_upn, by_mis = _pupils(organisation)
    held = {f.pupil_id: f for f in StudentFactor.objects.filter(organisation=organisation)}
    seen: dict[int, int] = {}
    factors: list[StudentFactor] = []
    sen: list[Pupil] = []
    for row in parsed.rows:
        upn, mis = (row.values.get("upn") or "").replace(" ", "").upper(), row.values.get("mis_id")
        pupil = (by_upn.get(upn) if upn else None) or (by_mis.get(mis) if mis else None)
        if pupil is None:
            said, column = (f"UPN {upn}", columns["upn"]) if upn else (f"MIS id {mis}", columns["mis_id"])
            plan.fail(
                row,
                column,
                f"No pupil with {said} at {organisation}: import pupils first, or correct the id.",
            )
            continue
        if pupil.pk in seen:
            said = columns["upn"] if upn else columns["mis_id"]
            plan.fail(
                row, said, f"The same pupil is on line {seen[pupil.pk]} too: each pupil may appear once."
            )
            continue
        seen[pupil.pk] = row.line
        changed = _factor_row(pupil, row.values, held, factors)
        new_sen = row.values.get("sen_status")
        if new_sen is not None and new_sen != pupil.sen_status:
            pupil.sen_status = new_sen
            sen.append(pupil)
            changed = True
        if changed:
            plan.updated += 1
        else:
            plan.unchanged += 1
    if plan.errors:
        return plan
    plan.new = sum(1 for f in factors if f.pk is None)
    plan.updated -= plan.new
    plan.details = {
        "pupil premium": sum(1 for f in factors if f.pupil_premium),
        "free school meals": sum(1 for f in factors if f.free_school_meals),
        "young carers": sum(1 for f in factors if f.young_carer),
        "SEN status changes": len(sen),
    }
    if factors or sen:
        plan.writes.append(
            lambda: services.factors_write(organisation=organisation, factors=factors, sen_changes=sen)
        )
    return plan


def _factor_row(pupil: Pupil, values: dict[str, Any], held: dict[int, StudentFactor], out: list[Any]) -> bool:
    """Apply the row's Y/N cells to the pupil's StudentFactor (made if new); True when something changes."""
    given = {f: values[f] for f in FLAGS if values.get(f) is not None}
    if not given:
        return False
    found = held.get(pupil.pk) or StudentFactor(organisation_id=pupil.organisation_id, pupil_id=pupil.pk)
    if found.pk is not None and all(getattr(found, f) == v for f, v in given.items()):
        return False
    if found.pk is None and not any(given.values()):
        return False  # all N for a pupil we hold nothing for: nothing to record
    for name, value in given.items():
        setattr(found, name, value)
    out.append(found)
    return True


def factors_sample() -> str:
    """docs/samples/factors.csv: pupil premium, FSM, young carer and SEN status for the sample pupils."""
    from mis_import.samples import pupil_rows, to_csv

    rows = []
    for i, pupil in enumerate(pupil_rows(6, seed=7)):
        rows.append(
            [
                pupil[0],
                "Y" if i % 3 == 0 else "N",
                "Y" if i % 3 == 0 and i % 2 == 0 else "N",
                "Y" if i == 4 else "N",
                ("N", "K", "N", "E", "N", "K")[i],
            ]
        )
    return to_csv(["UPN", "Pupil Premium", "Free School Meals", "Young Carer", "SEN Status"], rows)


def register() -> None:
    """Add the factors file to the MIS import, uploaded from the early-warning import page."""
    from early_warning.permissions import IMPORT_ROLES
    from mis_import.registry import register_import_kind

    register_import_kind(
        FACTORS,
        plan=plan_factors,
        roles=IMPORT_ROLES,
        upload_url="early_warning:import",
        upload_label="Early-warning import",
        sample=factors_sample,
        title="Import pupil premium, free school meals, young carer and SEN status",
        intro="Upload a CSV file from your MIS, one pupil a row. It is checked first, in the background, and you "
        "see a preview: how many pupils change and every problem with its line and column. Nothing is written "
        "until you import it, and then every row is written or none. An empty cell leaves what is held as it is.",
        noun="files",
        row_noun="pupil",
        file_help="With a header row: UPN (or MIS ID), then any of Pupil Premium, Free School Meals, Young Carer "
        "(Y or N) and SEN Status (N, K or E).",
    )
