"""Subject-access export: everything held on one pupil, as one JSON document (UK GDPR art. 15)."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict
from django.utils import timezone

from audit.models import AuditEvent
from core.registry import SUBJECT_ACCESS
from people.models import GroupMembership, Pupil, PupilContact


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record(obj: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """One row as plain JSON-able data: every field, including those not editable on a form."""
    data = {f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    data.update(model_to_dict(obj))  # many-to-many fields as lists of ids
    return {k: _plain(v) for k, v in data.items() if k not in exclude}


def records(queryset: Any, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every row of a queryset as `record`s (apps use this in their `register_subject_access` collectors)."""
    return [record(obj, exclude) for obj in queryset]


def collect_people(pupil: Pupil) -> dict[str, Any]:
    return {
        "pupil": record(pupil),
        "contacts": [
            {**record(link, ("pupil", "organisation")), "contact": record(link.contact, ("organisation",))}
            for link in PupilContact.objects.filter(pupil=pupil).select_related("contact")
        ],
        "group_memberships": [
            {
                "group": m.group.name,
                "kind": m.group.kind,
                "starts_on": _plain(m.starts_on),
                "ends_on": _plain(m.ends_on),
            }
            for m in GroupMembership.objects.filter(pupil=pupil).select_related("group")
        ],
        "audit_trail": [
            {
                "at": _plain(e.at),
                "who": e.actor_label,
                "action": e.action,
                "changes": e.changes,
                "note": e.note,
            }
            for e in AuditEvent.objects.filter(object_type="people.Pupil", object_id=str(pupil.pk)).order_by(
                "at"
            )
        ],
    }


def subject_access_document(pupil: Pupil) -> dict[str, Any]:
    """Every registered app's records about the pupil, keyed by app."""
    document: dict[str, Any] = {
        "generated_at": timezone.now().isoformat(),
        "organisation": pupil.organisation.name,
        "people": collect_people(pupil),
    }
    for key, collect in sorted(SUBJECT_ACCESS.items()):
        document[key] = collect(pupil)
    return document
