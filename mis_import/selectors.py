"""Which import jobs a user may see, and which kinds of file they may import."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from access.permissions import organisations_with_role
from access.roles import IMPORT_ROLES
from mis_import.columns import KINDS, ImportKind
from mis_import.models import ImportJob
from mis_import.permissions import can_import_kind
from mis_import.registry import REGISTERED


def visible_import_jobs(user: Any) -> QuerySet[ImportJob]:
    """Imports the user may see (newest first, without the file): every kind where they hold an import role,
    and a registered kind (attendance marks) where they hold one of its roles."""
    visible = Q(organisation_id__in=organisations_with_role(user, IMPORT_ROLES))
    for key, registered in REGISTERED.items():
        visible |= Q(kind=key, organisation_id__in=organisations_with_role(user, registered.roles))
    return ImportJob.objects.filter(visible).defer("content", "errors").select_related("uploaded_by")


def importable_kinds(user: Any, organisation: Any) -> list[ImportKind]:
    """The kinds of file the user may import for an organisation, in the order they are offered."""
    return [kind for key, kind in KINDS.items() if can_import_kind(user, organisation, key)]
