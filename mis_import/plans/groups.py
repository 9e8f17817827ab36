"""Planning a groups file: groups, their members and staff roles, and (a whole file) what is missing from it."""

from __future__ import annotations

import datetime
from typing import Any

from access.models import RoleAssignment
from access.roles import Role
from accounts.models import User
from mis_import.models import ImportJob
from mis_import.plans.common import (
    BATCH_SIZE,
    Plan,
    PupilIndex,
    Seen,
    TutorMoves,
    bulk_create_write,
    bulk_update_write,
    diff,
    end_periods,
    ending_missing,
    not_ended_before,
    site_for,
    sites_by_name,
)
from mis_import.reader import ParsedFile, Row
from organisations.models import AcademicYear, Organisation
from people.models import Group, GroupMembership, Pupil, StaffMember

# --- Groups, members and staff roles -------------------------------------------------------------


class _GroupsPlanner:
    """Plans a groups file row by row: the group each row defines (new, changed or as it is), the pupil it puts in
    that group and the staff it gives a tutor or PAL role there."""

    def __init__(self, organisation: Organisation, parsed: ParsedFile, today: datetime.date) -> None:
        self.organisation, self.parsed, self.today = organisation, parsed, today
        self.plan = Plan(noun="groups")
        self.index = PupilIndex(organisation)
        self.sites = sites_by_name(organisation)
        existing = list(Group.objects.filter(organisation=organisation).order_by("-pk"))
        self.by_mis = {g.mis_id: g for g in existing if g.mis_id}
        self.by_name = {(g.kind, g.name.casefold()): g for g in existing}
        self.staff = {
            s.user.email: s.user
            for s in StaffMember.objects.filter(organisation=organisation, is_active=True).select_related(
                "user"
            )
        }
        self.members = set(
            GroupMembership.objects.current(today)
            .filter(organisation=organisation)
            .values_list("group_id", "pupil_id")
        )
        self.roles = set(
            RoleAssignment.objects.current(today)
            .filter(organisation=organisation, group__isnull=False)
            .values_list("user_id", "role", "group_id")
        )
        self.year = AcademicYear.for_date(today)
        self.definitions: dict[Any, tuple[int, dict[str, Any], Group]] = {}
        self.mis_names: dict[str, tuple[int, str]] = {}
        self.state: dict[Any, str] = {}
        self.new_groups: list[Group] = []
        self.updated_groups: list[Group] = []
        self.group_fields: set[str] = set()
        self.seen_member, self.seen_tutor_group = Seen(), Seen()
        self.moves = TutorMoves(organisation, today)
        self.other_members: list[tuple[Group, Pupil]] = []
        self.new_roles: dict[tuple[int, str, int], tuple[User, str, Group]] = {}

    def row(self, row: Row) -> None:
        v = row.values
        name, mis = v["name"], v.get("group_mis_id", "")
        kind = v.get("kind", Group.Kind.TUTOR)
        if not self._one_name_per_id(row, mis, name):
            return
        key = ("mis", mis) if mis else ("name", kind, name.casefold())
        site = site_for(self.plan, row, self.parsed.columns.get("site", ""), self.sites)
        if v.get("site") and site is None:
            return
        wanted = {"name": name, "kind": kind}
        if "year_group" in v:
            wanted["year_group"] = v["year_group"]
        if site is not None:
            wanted["site_id"] = site.pk
        group = self._group(row, key, mis, wanted)
        if group is None:
            return
        if v.get("pupil_upn") or v.get("pupil_mis_id"):
            self._member(row, key, group, name)
        self._staff_roles(row, group)

    def _one_name_per_id(self, row: Row, mis: str, name: str) -> bool:
        if mis and mis in self.mis_names and self.mis_names[mis][1].casefold() != name.casefold():
            first_seen, first_name = self.mis_names[mis]
            self.plan.fail(
                row,
                self.parsed.columns["name"],
                f"Group ID {mis} is '{first_name}' on line {first_seen} but '{name}' on "
                f"line {row.line}: one id, one group.",
            )
            return False
        if mis:
            self.mis_names.setdefault(mis, (row.line, name))
        return True

    def _group(self, row: Row, key: Any, mis: str, wanted: dict[str, Any]) -> Group | None:
        """The group the row defines: one already defined by an earlier line (None when the lines disagree), a
        group on record (changed to match) or a new one."""
        if key in self.definitions:
            first_seen, earlier, defined = self.definitions[key]
            clash = [k for k in wanted if k in earlier and earlier[k] != wanted[k]]
            if clash:
                column = {"name": "name", "kind": "kind", "year_group": "year_group", "site_id": "site"}[
                    clash[0]
                ]
                self.plan.fail(
                    row,
                    self.parsed.columns.get(column, ""),
                    f"Group '{wanted['name']}' has a different "
                    f"{self.parsed.columns.get(column, column)} on line {first_seen} and line {row.line}.",
                )
                return None
            earlier.update(wanted)
            return defined
        kind, name = wanted["kind"], wanted["name"]
        matched = (self.by_mis.get(mis) if mis else None) or self.by_name.get((kind, name.casefold()))
        if matched is None:
            group = Group(organisation=self.organisation, academic_year=self.year, mis_id=mis, **wanted)
            self.new_groups.append(group)
            self.state[key] = "new"
        else:
            group = matched
            wanted_with_id = {**wanted, "mis_id": mis} if mis and not group.mis_id else wanted
            changed = diff(group, wanted_with_id)
            self.group_fields.update(changed)
            self.state[key] = "updated" if changed else "unchanged"
            if changed:
                self.updated_groups.append(group)
        self.definitions[key] = (row.line, dict(wanted), group)
        return group

    def _member(self, row: Row, key: Any, group: Group, name: str) -> None:
        """The pupil the row puts in the group: a tutor group moves them (one each), another group adds them."""
        parsed, plan = self.parsed, self.plan
        pupil = self.index.find(plan, row, parsed, "pupil_upn", "pupil_mis_id")
        if pupil is None:
            return
        if group.pk:
            plan.kept.add(("member", group.pk, pupil.pk))
        if first := self.seen_member.clash((key, pupil.pk), row.line):
            plan.fail(
                row,
                parsed.columns.get("pupil_upn") or parsed.columns["pupil_mis_id"],
                f"{pupil.display_name} is in group '{name}' on line {first} and line {row.line}: list each member once.",
            )
        elif group.kind == Group.Kind.TUTOR:
            if first := self.seen_tutor_group.clash(pupil.pk, row.line):
                plan.fail(
                    row,
                    parsed.columns["name"],
                    f"{pupil.display_name} is put in a tutor group on line "
                    f"{first} and again on line {row.line}: a pupil has one tutor group.",
                )
            else:
                self.moves.place(group, pupil)
        elif not (group.pk and (group.pk, pupil.pk) in self.members):
            self.other_members.append((group, pupil))

    def _staff_roles(self, row: Row, group: Group) -> None:
        """The tutor and PAL roles the row gives staff (named by e-mail) in the group."""
        for field_name, role in (("tutor_emails", Role.TUTOR), ("pal_emails", Role.PAL)):
            for email in row.values.get(field_name, []):
                user = self.staff.get(email)
                if user is None:
                    self.plan.fail(
                        row,
                        self.parsed.columns[field_name],
                        f"No staff member with e-mail {email} at this school: "
                        "import staff first, or correct the address.",
                    )
                    continue
                if group.pk:
                    self.plan.kept.add(("role", user.pk, role.value, group.pk))
                if not (group.pk and (user.pk, role.value, group.pk) in self.roles):
                    self.new_roles.setdefault((user.pk, role.value, id(group)), (user, role.value, group))

    def finish(self) -> Plan:
        """The counts, what the file keeps, and the writes."""
        plan, moves, organisation, today = self.plan, self.moves, self.organisation, self.today
        states = list(self.state.values())
        plan.new, plan.updated, plan.unchanged = (
            states.count("new"),
            states.count("updated"),
            states.count("unchanged"),
        )
        # A pupil moving tutor group already has the old membership ended by the move.
        plan.kept.update(("membership", pk) for pk in [m.pk for m in moves.ended] + moves.deleted)
        role_list = list(self.new_roles.values())
        other_members = self.other_members
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
            bulk_create_write(Group, self.new_groups),
            bulk_update_write(Group, self.updated_groups, self.group_fields),
            write_members_and_roles,
        ]
        return plan


def plan_groups(organisation: Organisation, parsed: ParsedFile, today: datetime.date) -> Plan:
    planner = _GroupsPlanner(organisation, parsed, today)
    for row in parsed.rows:
        planner.row(row)
    return planner.finish()


_FILE_ROLES = {Role.TUTOR: "tutor_emails", Role.PAL: "pal_emails"}  # the roles a groups file gives, by column


def plan_missing_members_and_roles(
    plan: Plan, job: ImportJob, parsed: ParsedFile, today: datetime.date
) -> None:
    """A whole groups file: the memberships, tutor roles and PAL caseload groups not ended before today that no
    row lists. A kind the file has no column for (no pupil column, say) is left alone, not ended."""
    organisation = job.organisation
    entries: list[dict[str, Any]] = []
    membership_ids: list[int] = []
    if {"pupil_upn", "pupil_mis_id"} & set(parsed.columns):
        memberships = (
            GroupMembership.objects.filter(not_ended_before(today), organisation=organisation)
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
            not_ended_before(today),
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
    if not ending_missing(plan, job, entries, "memberships and roles"):
        return
    on = job.ends_on or today
    plan.details["group memberships ended"] = len(membership_ids)
    plan.details["tutor roles ended"] = len(role_ids[Role.TUTOR])
    plan.details["groups taken off a PAL caseload"] = len(role_ids[Role.PAL])

    def write_ends() -> None:
        end_periods(GroupMembership.objects.filter(organisation=organisation, pk__in=membership_ids), on)
        end_periods(
            RoleAssignment.objects.filter(organisation=organisation, pk__in=sum(role_ids.values(), [])), on
        )

    plan.writes.append(write_ends)
