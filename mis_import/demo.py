"""Demo data: the main school's administrator has already brought this year's records in from the MIS."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from mis_import.models import ImportJob
from people.models import Contact, Group, Pupil, StaffMember


def build_demo_imports(world: Any) -> None:
    """Four imported files at the start of the year (staff, pupils, contacts, groups) for the main school."""
    school = world.main_school
    if school is None:
        return
    admin = world.users.get("school_admin")
    if admin is None:
        assignment = (
            RoleAssignment.objects.filter(organisation=school, role=Role.SCHOOL_ADMIN)
            .select_related("user")
            .first()
        )
        if assignment is None:
            return
        admin = assignment.user
    counts = {
        "staff": StaffMember.objects.filter(organisation=school).count(),
        "pupils": Pupil.objects.filter(organisation=school).count(),
        "contacts": Contact.objects.filter(organisation=school).count(),
        "groups": Group.objects.filter(organisation=school).count(),
    }
    nouns = {"staff": "staff", "pupils": "pupils", "contacts": "contacts", "groups": "groups"}
    starts = world.academic_year.starts_on
    for minutes, kind in enumerate(["staff", "pupils", "contacts", "groups"]):
        at = timezone.make_aware(datetime.datetime.combine(starts, datetime.time(8, 30 + minutes * 5)))
        job = ImportJob.objects.create(
            organisation=school,
            uploaded_by=admin,
            imported_by=admin,
            kind=kind,
            filename=f"{kind}-{starts:%Y-%m}.csv",
            status=ImportJob.Status.IMPORTED,
            content=b"",
            total_rows=counts[kind],
            processed_rows=counts[kind],
            summary={"new": counts[kind], "updated": 0, "unchanged": 0, "noun": nouns[kind], "details": {}},
            checked_at=at,
            imported_at=at,
        )
        ImportJob.objects.filter(pk=job.pk).update(created_at=at)
