"""Reads for the catalogue: editions and clusters each role may see, and training days to come."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.utils import timezone

from qualifications import permissions as perms
from qualifications.models import (
    Cluster,
    Edition,
    Enrolment,
    TrainingDay,
)
from qualifications.selectors.bookings import ACTIVE

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ClusterNumbers(TypedDict):
    """What clusters_with_numbers() annotates on each cluster."""

    enrolled_count: int
    waiting_count: int


def visible_editions(user: Any) -> QuerySet[Edition]:
    return (
        Edition.objects.filter(perms.edition_q(user))
        .select_related("programme", "academic_year")
        .order_by("programme__code", "-academic_year__starts_on")
    )


def clusters_with_numbers(qs: QuerySet[Cluster]) -> QuerySet[WithAnnotations[Cluster, ClusterNumbers]]:
    return qs.annotate(
        enrolled_count=Count("enrolments", filter=Q(enrolments__status__in=ACTIVE), distinct=True),
        waiting_count=Count(
            "enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED), distinct=True
        ),
    ).select_related("level", "edition__programme", "edition__academic_year")


def visible_clusters(user: Any) -> QuerySet[WithAnnotations[Cluster, ClusterNumbers]]:
    return clusters_with_numbers(Cluster.objects.filter(perms.cluster_q(user)))


def upcoming_days(cluster_ids: Iterable[int]) -> QuerySet[TrainingDay]:
    return (
        TrainingDay.objects.filter(cluster_id__in=list(cluster_ids), ends_at__gte=timezone.now())
        .select_related("cluster")
        .prefetch_related("modules")
        .order_by("starts_at")
    )
