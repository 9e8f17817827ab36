"""Which import jobs a user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from access.permissions import access_for, can_import
from access.roles import IMPORT_ROLES
from mis_import.models import ImportJob


def visible_import_jobs(user: Any) -> QuerySet[ImportJob]:
    """Imports of the organisations where the user holds an import role (newest first, without the file)."""
    access = access_for(user)
    org_ids: set[int] = set()
    for grant in access.grants:
        if grant.role in IMPORT_ROLES:
            org_ids |= access.reach.get(grant.organisation_id, {grant.organisation_id})
    return (
        ImportJob.objects.filter(organisation_id__in=org_ids)
        .defer("content", "errors")
        .select_related("uploaded_by")
    )


def can_manage_import(user: Any, job: ImportJob) -> bool:
    """Whether the user may see and import this job: an import role in its organisation."""
    return can_import(user, job.organisation)
