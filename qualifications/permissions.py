"""Who may see and do what in qualifications, built on access.permissions.

- Programme administrators (at the provider) see and manage everything of their provider.
- Facilitators (at the provider) see the clusters they facilitate, their participants, and take attendance.
- A school's CPD coordinator books its staff and sees only its own bookings, staff and invoices.
- Participants and mentors see their own places.
- Published editions and their clusters are a catalogue shown to school bookers, participants and mentors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from access.permissions import get_for_user, has_role, organisations_with_role, reachable_organisation_ids
from access.roles import Role

M = TypeVar("M", bound=models.Model)

PROVIDER_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.FACILITATOR})
SCHOOL_BOOKER_ROLES = frozenset({Role.CPD_COORDINATOR})
SCHOOL_SIDE_ROLES = frozenset({Role.CPD_COORDINATOR, Role.PARTICIPANT, Role.MENTOR})
QUALIFICATION_ROLES = frozenset(
    {Role.PROGRAMME_ADMIN, Role.FACILITATOR, Role.CPD_COORDINATOR, Role.PARTICIPANT, Role.MENTOR}
)


def admin_provider_ids(user: Any) -> set[int]:
    return organisations_with_role(user, frozenset({Role.PROGRAMME_ADMIN}))


def provider_ids(user: Any) -> set[int]:
    return organisations_with_role(user, PROVIDER_ROLES)


def facilitator_provider_ids(user: Any) -> set[int]:
    return organisations_with_role(user, frozenset({Role.FACILITATOR}))


def booker_school_ids(user: Any) -> set[int]:
    return organisations_with_role(user, SCHOOL_BOOKER_ROLES)


def is_programme_admin(user: Any) -> bool:
    return bool(admin_provider_ids(user))


def is_booker(user: Any) -> bool:
    return bool(booker_school_ids(user))


def has_qualification_role(user: Any) -> bool:
    return has_role(user, QUALIFICATION_ROLES)


def fetch(
    user: Any,
    queryset: QuerySet[M],
    visible: Q,
    check: Callable[[Any, M], bool] | None = None,
    **lookup: Any,
) -> M:
    """Fetch one record: 404 when it is not in `visible` for this user, 403 when `check` refuses it.

    A record here may be reached through its school or its provider, so `visible` replaces the spine's plain
    organisation filter; the 404/403 answers and their audit are the spine's own.
    """
    return get_for_user(user, queryset, check, visible=visible, **lookup)


# --- Editions and clusters (the catalogue) --------------------------------------------------


def edition_q(user: Any) -> Q:
    """Editions of the user's provider, and published editions for school bookers, participants and mentors."""
    q = Q(organisation_id__in=provider_ids(user))
    if has_role(user, SCHOOL_SIDE_ROLES):
        q |= Q(is_published=True)
    return q


def cluster_q(user: Any) -> Q:
    q = Q(organisation_id__in=provider_ids(user))
    if has_role(user, SCHOOL_SIDE_ROLES):
        q |= Q(edition__is_published=True)
    return q


def activity_q(user: Any) -> Q:
    q = Q(organisation_id__in=provider_ids(user))
    if has_role(user, SCHOOL_SIDE_ROLES):
        q |= Q(module__edition__is_published=True)
    return q


def mentor_session_q(user: Any) -> Q:
    """Mentor training sessions of the user's provider, and those of published editions for the school side (the
    edition page lists them)."""
    q = Q(organisation_id__in=provider_ids(user))
    if has_role(user, SCHOOL_SIDE_ROLES):
        q |= Q(edition__is_published=True)
    return q


def can_manage_provider_record(user: Any, obj: Any) -> bool:
    """Programme administrators of the record's provider."""
    return obj.organisation_id in admin_provider_ids(user)


def can_book(user: Any, cluster: Any) -> bool:
    return is_booker(user) and cluster.edition.is_published and cluster.is_open


def can_view_cluster_roster(user: Any, cluster: Any) -> bool:
    """Programme administrators, and facilitators of this cluster."""
    if cluster.organisation_id in admin_provider_ids(user):
        return True
    return (
        cluster.organisation_id in provider_ids(user)
        and cluster.facilitators.filter(facilitator=user).exists()
    )


def can_take_attendance(user: Any, training_day: Any) -> bool:
    return can_view_cluster_roster(user, training_day.cluster)


# --- Bookings and enrolments ----------------------------------------------------------------


def booking_q(user: Any) -> Q:
    """Bookings of the user's school (CPD coordinator) or provider (programme administrator)."""
    return Q(organisation_id__in=booker_school_ids(user)) | Q(provider_id__in=admin_provider_ids(user))


def booking_reach_q(user: Any) -> Q:
    reach = reachable_organisation_ids(user)
    return Q(organisation_id__in=reach) | Q(provider_id__in=reach)


def can_view_booking(user: Any, booking: Any) -> bool:
    return booking.organisation_id in booker_school_ids(user) or booking.provider_id in admin_provider_ids(
        user
    )


def can_cancel_booking(user: Any, booking: Any) -> bool:
    return can_view_booking(user, booking)


def can_send_invoice(user: Any, booking: Any) -> bool:
    """The school's CPD coordinators and the provider's programme administrators, who may both see the invoice."""
    return can_view_booking(user, booking)


def can_mark_paid(user: Any, booking: Any) -> bool:
    return booking.provider_id in admin_provider_ids(user)


def can_send_payment_reminder(user: Any, booking: Any) -> bool:
    """The provider's programme administrators, who chase the payment."""
    return booking.provider_id in admin_provider_ids(user)


def enrolment_q(user: Any) -> Q:
    """Places the user may see: their school's (coordinator), their provider's (admin), facilitated clusters,
    and their own as participant or mentor."""
    return (
        Q(organisation_id__in=booker_school_ids(user))
        | Q(provider_id__in=admin_provider_ids(user))
        | Q(cluster__facilitators__facilitator=user, provider_id__in=provider_ids(user))
        | Q(participant=user)
        | Q(mentor=user)
    )


def can_cancel_enrolment(user: Any, enrolment: Any) -> bool:
    return enrolment.organisation_id in booker_school_ids(
        user
    ) or enrolment.provider_id in admin_provider_ids(user)


def can_choose_mentor_session(user: Any, enrolment: Any) -> bool:
    return (
        enrolment.mentor_id == user.pk
        or enrolment.organisation_id in booker_school_ids(user)
        or enrolment.provider_id in admin_provider_ids(user)
    )


def can_withdraw_enrolment(user: Any, enrolment: Any) -> bool:
    """The school's CPD coordinator (the booker) or the provider's programme administrators."""
    return enrolment.organisation_id in booker_school_ids(
        user
    ) or enrolment.provider_id in admin_provider_ids(user)


def can_view_credit_note(user: Any, credit: Any) -> bool:
    return can_view_booking(user, credit.booking)
