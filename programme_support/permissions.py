"""Who may see and do what with course materials and questions, built on access.permissions.

Course materials (resources) of an edition:
- the provider's programme administrators see and manage all of them;
- facilitators see the materials of the editions they facilitate and add to them (a training day's only for their
  own clusters), and remove what they added;
- participants with a place (enrolled or completed) and their mentors see the edition's programme-wide materials,
  those of their level's modules and those of their own cluster's training days. Nobody else does.
Questions: private to the asker, the participant's mentor when the participant asked, and the provider's programme
administrators (who answer them).

404 for a record outside the user's reach (another provider, another school): for materials that reach is the
provider's own staff and the people holding or mentoring a place of that provider; 403 within reach without the
right (a participant of another edition, another participant of the same school).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from access.permissions import reachable_organisation_ids
from qualifications import permissions as qual_perms
from qualifications.models import ClusterFacilitator, Enrolment

M = TypeVar("M", bound=models.Model)
ACTIVE = [Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED]


def _places(user: Any) -> list[tuple[int, int, int]]:
    """(edition, level, cluster) of every active place the user holds or mentors."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Enrolment.objects.filter(Q(participant=user) | Q(mentor=user), status__in=ACTIVE).values_list(
            "edition_id", "level_id", "cluster_id"
        )
    )


def _facilitated(user: Any) -> models.QuerySet[ClusterFacilitator]:
    return ClusterFacilitator.objects.filter(
        facilitator=user, organisation_id__in=qual_perms.facilitator_provider_ids(user)
    )


def provider_reach_q(user: Any, field: str = "organisation_id") -> Q:
    """Records of a provider the user works at or holds (or mentors) a place with: outside it, 404."""
    providers = set(reachable_organisation_ids(user))
    if getattr(user, "is_authenticated", False):
        providers |= set(
            Enrolment.objects.filter(Q(participant=user) | Q(mentor=user)).values_list(
                "provider_id", flat=True
            )
        )
    return Q(**{f"{field}__in": providers})


# --- Course materials -------------------------------------------------------------------------


def resource_q(user: Any) -> Q:
    """The materials this user may open."""
    q = Q(organisation_id__in=qual_perms.admin_provider_ids(user))
    q |= Q(edition_id__in=_facilitated(user).values("cluster__edition_id"))
    for edition_id, level_id, cluster_id in _places(user):
        q |= Q(edition_id=edition_id, module__isnull=True, training_day__isnull=True)
        q |= Q(edition_id=edition_id, module__level_id=level_id)
        q |= Q(edition_id=edition_id, training_day__cluster_id=cluster_id)
    return q


def can_view_resource(user: Any, resource: Any) -> bool:
    from programme_support.models import Resource

    return Resource.objects.filter(resource_q(user), pk=resource.pk).exists()


def can_view_library(user: Any, edition: Any) -> bool:
    """An edition's materials page: its provider's staff who run it, and its participants and their mentors."""
    return can_add_resources(user, edition) or any(e == edition.pk for e, _, _ in _places(user))


def can_add_resources(user: Any, edition: Any) -> bool:
    """Programme administrators of the provider, and facilitators of a cluster of the edition."""
    return (
        edition.organisation_id in qual_perms.admin_provider_ids(user)
        or _facilitated(user).filter(cluster__edition_id=edition.pk).exists()
    )


def can_add_to_training_day(user: Any, training_day: Any) -> bool:
    """A training day's materials: the provider's administrators, and that cluster's facilitators."""
    return (
        training_day.organisation_id in qual_perms.admin_provider_ids(user)
        or _facilitated(user).filter(cluster_id=training_day.cluster_id).exists()
    )


def can_remove_resource(user: Any, resource: Any) -> bool:
    """The provider's administrators, or the facilitator who added it."""
    if resource.organisation_id in qual_perms.admin_provider_ids(user):
        return True
    return resource.added_by_id == user.pk and can_add_resources(user, resource.edition)


# --- Questions --------------------------------------------------------------------------------


def question_reach_q(user: Any) -> Q:
    """Questions within the user's reach at all (their school's or their provider's): outside it, 404."""
    reach = reachable_organisation_ids(user)
    return Q(organisation_id__in=reach) | Q(provider_id__in=reach) | question_q(user)


def question_q(user: Any) -> Q:
    """The questions this user may read: their own, their mentees' (when the mentee asked), and every question
    to a provider where they are a programme administrator."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return (
        Q(asked_by=user)
        | Q(enrolment__mentor=user, asked_by=models.F("enrolment__participant"))
        | Q(provider_id__in=qual_perms.admin_provider_ids(user))
    )


def can_view_question(user: Any, question: Any) -> bool:
    from programme_support.models import Question

    return Question.objects.filter(question_q(user), pk=question.pk).exists()


def answers_for_provider(user: Any, question: Any) -> bool:
    """Whether the user writes in the thread as the provider (one of its programme administrators)."""
    return question.provider_id in qual_perms.admin_provider_ids(user)


def can_close_question(user: Any, question: Any) -> bool:
    """The asker, or the provider's programme administrators."""
    return question.asked_by_id == user.pk or answers_for_provider(user, question)


def can_ask(user: Any, enrolment: Any) -> bool:
    """A participant about their own place, or a mentor about a mentee's, while the place is active."""
    return enrolment.status in ACTIVE and user.pk in (enrolment.participant_id, enrolment.mentor_id)


def askable_enrolments(user: Any) -> models.QuerySet[Enrolment]:
    """The places the user may ask about."""
    return (
        Enrolment.objects.filter(Q(participant=user) | Q(mentor=user), status__in=ACTIVE)
        .select_related("edition__programme", "edition__academic_year", "level", "cluster", "participant")
        .order_by("-edition__academic_year__starts_on", "participant__full_name")
    )
