"""Planning a staff file: staff matched on MIS id or e-mail, and (a whole file) staff no longer at the school."""

from __future__ import annotations

import datetime
from typing import Any

from access.models import RoleAssignment
from access.roles import PUPIL_ROLES, Role
from accounts.models import User
from mis_import.models import ImportJob
from mis_import.plans.common import (
    BATCH_SIZE,
    Plan,
    Seen,
    appears_once,
    bulk_create_write,
    bulk_update_write,
    diff,
    end_periods,
    ending_missing,
    not_ended_before,
    open_on,
    site_for,
    sites_by_name,
)
from mis_import.reader import ParsedFile, Row
from organisations.models import Organisation
from people.models import StaffMember

# --- Staff -------------------------------------------------------------------------------------

_STAFF_FIELDS = {"title": "", "first_name": "", "last_name": "", "job_title": ""}


def _same_person(plan: Plan, parsed: ParsedFile, row: Row, email: str, mis: str, member: StaffMember) -> bool:
    """The member of staff the row matched signs in with the row's e-mail and has its Staff ID."""
    if member.user.email != email:
        plan.fail(
            row,
            parsed.columns["email"],
            f"Staff ID {mis} signs in as {member.user.email}, not {email}: "
            "change the address on their account first.",
        )
        return False
    if mis and member.mis_id and member.mis_id != mis:
        plan.fail(row, parsed.columns["mis_id"], f"{email} has Staff ID {member.mis_id} here, not {mis}.")
        return False
    return True


def _new_user(new_users: dict[str, User], email: str, v: dict[str, Any]) -> User:
    """A sign-in for a new member of staff, with no password until they reset it."""
    user = User(email=email, full_name=f"{v['first_name']} {v['last_name']}")
    user.set_unusable_password()
    new_users[email] = user
    return user


def plan_staff(organisation: Organisation, parsed: ParsedFile, today: datetime.date) -> Plan:
    plan = Plan(noun="staff")
    sites = sites_by_name(organisation)
    present = set(parsed.columns)
    existing = list(StaffMember.objects.filter(organisation=organisation).select_related("user"))
    by_mis = {s.mis_id: s for s in existing if s.mis_id}
    by_email = {s.user.email: s for s in existing}
    emails = [row.values["email"] for row in parsed.rows]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    seen_email, seen_mis = Seen(), Seen()
    new_users: dict[str, User] = {}
    new_staff: list[StaffMember] = []
    updated: list[StaffMember] = []
    fields: set[str] = set()
    for row in parsed.rows:
        v = row.values
        email, mis = v["email"], v.get("mis_id", "")
        ok = appears_once(plan, parsed, row, seen_email, email, "email", email, "person") & appears_once(
            plan, parsed, row, seen_mis, mis, "mis_id", f"Staff ID {mis}", "person"
        )
        member = (by_mis.get(mis) if mis else None) or by_email.get(email)
        if member is not None:
            plan.kept.add(member.pk)
            ok = _same_person(plan, parsed, row, email, mis, member) and ok
        site = site_for(plan, row, parsed.columns.get("site", ""), sites) if "site" in present else None
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
            user = users.get(email) or _new_user(new_users, email, v)
            new_staff.append(StaffMember(organisation=organisation, user=user, **values))
            plan.new += 1
        else:
            changed = diff(member, values)
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
        bulk_create_write(User, list(new_users.values())),
        write_staff,
        bulk_update_write(StaffMember, updated, fields),
    ]
    return plan


# The school roles a whole staff file ends for staff missing from it. Qualification roles (participant, mentor…)
# follow the person's course, not their post, so they are left alone.
_SCHOOL_STAFF_ROLES = PUPIL_ROLES | {Role.CPD_COORDINATOR}


def plan_missing_staff(plan: Plan, job: ImportJob, parsed: ParsedFile, today: datetime.date) -> None:
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
    for r in roles.filter(not_ended_before(today)).select_related("group", "site"):
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
    if not ending_missing(plan, job, entries, "staff"):
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
    plan.details["staff roles ended"] = open_on(roles, on).count()

    def write_staff_leavers() -> None:
        if not ids:
            return
        StaffMember.objects.filter(pk__in=ids).update(is_active=False)
        end_periods(roles, on)

    plan.writes.append(write_staff_leavers)
