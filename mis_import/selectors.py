"""Which import jobs a user may see, and which kinds of file they may import."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from access.permissions import access_for, can_import, has_role
from access.roles import IMPORT_ROLES
from mis_import.columns import KINDS, ImportKind
from mis_import.models import ImportJob
from mis_import.registry import REGISTERED


def _organisations_with(user: Any, roles: Iterable[str]) -> set[int]:
    access = access_for(user)
    wanted = set(roles)
    org_ids: set[int] = set()
    for grant in access.grants:
        if grant.role in wanted:
            org_ids |= access.reach.get(grant.organisation_id, {grant.organisation_id})
    return org_ids


def visible_import_jobs(user: Any) -> QuerySet[ImportJob]:
    """Imports the user may see (newest first, without the file): every kind where they hold an import role,
    and a registered kind (attendance marks) where they hold one of its roles."""
    visible = Q(organisation_id__in=_organisations_with(user, IMPORT_ROLES))
    for key, registered in REGISTERED.items():
        visible |= Q(kind=key, organisation_id__in=_organisations_with(user, registered.roles))
    return ImportJob.objects.filter(visible).defer("content", "errors").select_related("uploaded_by")


def can_import_kind(user: Any, organisation: Any, kind: str) -> bool:
    """Whether the user may upload, see and import this kind of file for an organisation."""
    if can_import(user, organisation):
        return True
    registered = REGISTERED.get(kind)
    return registered is not None and has_role(user, registered.roles, organisation.pk)


def importable_kinds(user: Any, organisation: Any) -> list[ImportKind]:
    """The kinds of file the user may import for an organisation, in the order they are offered."""
    return [kind for key, kind in KINDS.items() if can_import_kind(user, organisation, key)]


def can_manage_import(user: Any, job: ImportJob) -> bool:
    """Whether the user may see and import this job: an import role for its kind in its organisation."""
    return can_import_kind(user, job.organisation, job.kind)
