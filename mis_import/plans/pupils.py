"""Planning a pupils file: pupils matched on UPN then MIS id, their tutor groups, and (a whole file) leavers."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from mis_import.models import ImportJob
from mis_import.plans.common import (
    Plan,
    PupilIndex,
    Seen,
    TutorMoves,
    appears_once,
    bulk_create_write,
    bulk_update_write,
    diff,
    end_periods,
    ending_missing,
    open_on,
    site_for,
    sites_by_name,
)
from mis_import.reader import ParsedFile, Row
from organisations.models import AcademicYear, Organisation
from people.models import Group, GroupMembership, Pupil

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


def _pupil_values(v: dict[str, Any], present: set[str], site: Any) -> dict[str, Any]:
    """The pupil's fields the file gives (identifiers only when given: an export that lacks them blanks none)."""
    values = {name: v.get(name, default) for name, default in _PUPIL_FIELDS.items() if name in present}
    for name in _KEEP_WHEN_EMPTY:
        if v.get(name):
            values[name] = v[name]
    if "site" in present:
        values["site_id"] = site.pk if site else None
    return values


def plan_pupils(organisation: Organisation, parsed: ParsedFile, today: datetime.date) -> Plan:
    plan = Plan(noun="pupils")
    index = PupilIndex(organisation)
    sites = sites_by_name(organisation)
    present = set(parsed.columns)
    seen_upn, seen_mis, seen_pupil = Seen(), Seen(), Seen()
    to_create: list[Pupil] = []
    to_update: list[Pupil] = []
    changed_fields: set[str] = set()
    tutor_rows: list[tuple[Row, Pupil]] = []
    for row in parsed.rows:
        v = row.values
        upn, mis = v.get("upn"), v.get("mis_id")
        ok = appears_once(plan, parsed, row, seen_upn, upn, "upn", f"UPN {upn}", "pupil") & appears_once(
            plan, parsed, row, seen_mis, mis, "mis_id", f"MIS id {mis}", "pupil"
        )
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
        site = site_for(plan, row, parsed.columns.get("site", ""), sites) if "site" in present else None
        if v.get("site") and site is None:
            ok = False
        if not ok:
            continue
        values = _pupil_values(v, present, site)
        if pupil is None:
            pupil = Pupil(organisation=organisation, **values)
            to_create.append(pupil)
            plan.new += 1
        else:
            changed = diff(pupil, values)
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
    plan.writes.append(bulk_create_write(Pupil, to_create))
    plan.writes.append(
        bulk_update_write(Pupil, to_update, changed_fields | {"updated_at"} if changed_fields else set())
    )
    if tutor_rows:
        plan_tutor_groups(plan, organisation, tutor_rows, today)
    return plan


def plan_leavers(plan: Plan, job: ImportJob, parsed: ParsedFile, today: datetime.date) -> None:
    """A whole-roll pupil file: the pupils on roll (no leaving date) whom no row matched are leavers; when
    ended they get the leaving date and their group memberships end on it."""
    missing = list(
        Pupil.objects.filter(organisation=job.organisation, left_on__isnull=True)
        .exclude(pk__in=plan.kept)
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    entries = [{"id": p.pk, "name": p.display_name, "detail": p.year_label} for p in missing]
    if not ending_missing(plan, job, entries, "pupils"):
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
    plan.details["group memberships ended"] = open_on(memberships, on).count()

    def write_leavers() -> None:
        if not ids:
            return
        Pupil.objects.filter(pk__in=ids).update(left_on=on, updated_at=timezone.now())
        end_periods(memberships, on)

    plan.writes.append(write_leavers)


def plan_tutor_groups(
    plan: Plan, organisation: Organisation, rows: list[tuple[Row, Pupil]], today: datetime.date
) -> None:
    groups = {
        g.name.casefold(): g
        for g in Group.objects.filter(organisation=organisation, kind=Group.Kind.TUTOR).order_by("-pk")
    }
    year = AcademicYear.for_date(today)
    created: dict[str, Group] = {}
    moves = TutorMoves(organisation, today)
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
    plan.writes.append(bulk_create_write(Group, list(created.values())))
    plan.writes.append(moves.write)
