from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from access.permissions import access_for
from access.roles import AUDIT_ROLES
from audit.models import AuditEvent


def audit_organisation_ids(user: Any) -> set[int]:
    """Organisations whose audit log this user may read."""
    access = access_for(user)
    ids: set[int] = set()
    for grant in access.grants:
        if grant.role in AUDIT_ROLES:
            ids |= access.reach.get(grant.organisation_id, set())
    return ids


def audit_events(
    *,
    user: Any,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit events the user may read, filtered."""
    qs = AuditEvent.objects.filter(organisation_id__in=audit_organisation_ids(user)).select_related(
        "organisation"
    )
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs
