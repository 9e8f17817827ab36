"""Who may upload, see and import MIS files: the school administrator for every kind (access.permissions
`can_import`), and the roles a registered kind names for its own files (attendance's office for marks)."""

from __future__ import annotations

from typing import Any

from access.permissions import can_import, has_role
from mis_import.models import ImportJob
from mis_import.registry import REGISTERED


def can_import_kind(user: Any, organisation: Any, kind: str) -> bool:
    """Whether the user may upload, see and import this kind of file for an organisation."""
    if can_import(user, organisation):
        return True
    registered = REGISTERED.get(kind)
    return registered is not None and has_role(user, registered.roles, organisation.pk)


def can_manage_import(user: Any, job: ImportJob) -> bool:
    """Whether the user may see and import this job: an import role for its kind in its organisation."""
    return can_import_kind(user, job.organisation, job.kind)
