"""Who may see and record behaviour: built on the foundation's pupil visibility."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from access.permissions import can_view_pupil, has_role, visible_pupils
from access.roles import PUPIL_ROLES, Role

# Suspensions are the headteacher's decision; senior leaders, heads of year and administrators record them.
SUSPENSION_ROLES = frozenset({Role.SENIOR_LEADER, Role.HEAD_OF_YEAR, Role.SCHOOL_ADMIN, Role.DSL})
# The school's list of behaviour categories is a setting, kept by administrators and senior leaders.
CATEGORY_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.SENIOR_LEADER})


def visible_incidents(user: Any) -> QuerySet:
    """Incidents involving at least one pupil the user may see."""
    from behaviour.models import Incident

    return Incident.objects.filter(links__pupil__in=visible_pupils(user)).distinct()


def can_view_incident(user: Any, incident: Any) -> bool:
    return any(can_view_pupil(user, p) for p in incident.pupils.all())


def can_record_behaviour(user: Any, pupil: Any) -> bool:
    return can_view_pupil(user, pupil) and has_role(user, PUPIL_ROLES, pupil.organisation_id)


def can_edit_incident(user: Any, incident: Any) -> bool:
    """The recorder, or anyone who may record for every pupil involved."""
    if incident.recorded_by_id == getattr(user, "pk", None):
        return True
    pupils = list(incident.pupils.all())
    return (
        bool(pupils)
        and all(can_record_behaviour(user, p) for p in pupils)
        and has_role(user, {Role.SENIOR_LEADER, Role.HEAD_OF_YEAR, Role.DSL}, incident.organisation_id)
    )


def can_view_card(user: Any, card: Any) -> bool:
    return can_view_pupil(user, card.pupil)


def can_record_suspension(user: Any, pupil: Any) -> bool:
    return can_view_pupil(user, pupil) and has_role(user, SUSPENSION_ROLES, pupil.organisation_id)


def can_view_suspension(user: Any, suspension: Any) -> bool:
    return can_view_pupil(user, suspension.pupil)


def can_change_suspension(user: Any, suspension: Any) -> bool:
    """Whoever may record a suspension for the pupil may change or withdraw it."""
    return can_record_suspension(user, suspension.pupil)


def can_manage_categories(user: Any, organisation_id: int | None) -> bool:
    """School administrators and senior leaders keep the school's behaviour categories."""
    return organisation_id is not None and has_role(user, CATEGORY_ROLES, organisation_id)


def can_manage_category(user: Any, category: Any) -> bool:
    return can_manage_categories(user, category.organisation_id)
