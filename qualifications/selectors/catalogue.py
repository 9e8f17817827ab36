"""Reads for the catalogue: editions and clusters each role may see, and training days to come."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
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
    ClusterFacilitator,
    Edition,
    Enrolment,
    MentorTrainingSession,
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


def upcoming_mentor_sessions(
    edition_ids: Iterable[int], *, now: datetime.datetime
) -> QuerySet[MentorTrainingSession]:
    """The editions' mentor training sessions that have not started by `now`, the only ones a mentor may choose."""
    return MentorTrainingSession.objects.filter(edition_id__in=list(edition_ids), starts_at__gt=now).order_by(
        "starts_at"
    )


def mentor_session_removal_refusal(
    session: MentorTrainingSession, *, booked: int, now: datetime.datetime
) -> str:
    """Why a mentor training session cannot be removed ("" when it can): one that has taken place with mentors
    booked on it is the record of their training. A session still to come can go (its mentors are taken off it)."""
    if booked and session.starts_at <= now:
        return "It has taken place with mentors booked on it, so it is kept as the record of their training."
    return ""


def attendance_opens_on(day: TrainingDay) -> datetime.date:
    """The date a training day's attendance may first be taken: the day itself (local time)."""
    return timezone.localdate(day.starts_at)


def is_attendance_open(day: TrainingDay, *, on: datetime.date) -> bool:
    """Attendance is taken on the day or after it, never before the day has come."""
    return attendance_opens_on(day) <= on


@dataclass(frozen=True)
class FacilitatedCluster:
    """A cluster the user facilitates, its next training day (today's counts) and whether attendance is open."""

    cluster: Cluster
    next_day: TrainingDay | None
    attendance_open: bool


def facilitated_cluster_ids(user: Any, edition: Edition) -> set[int]:
    """Ids of the edition's clusters the user facilitates (they open those clusters' pages)."""
    return set(
        ClusterFacilitator.objects.filter(
            facilitator=user,
            cluster__edition=edition,
            organisation_id__in=perms.facilitator_provider_ids(user),
        ).values_list("cluster_id", flat=True)
    )


def facilitated_clusters(user: Any, *, on: datetime.date) -> list[FacilitatedCluster]:
    """The clusters the user facilitates at their provider, each with its next training day from `on`."""
    clusters = list(
        clusters_with_numbers(
            Cluster.objects.filter(
                organisation_id__in=perms.facilitator_provider_ids(user),
                pk__in=ClusterFacilitator.objects.filter(facilitator=user).values("cluster_id"),
            )
        ).order_by("edition__programme__code", "level__number", "name")
    )
    start_of_day = timezone.make_aware(datetime.datetime.combine(on, datetime.time.min))
    next_days: dict[int, TrainingDay] = {}
    for day in TrainingDay.objects.filter(
        cluster_id__in=[c.pk for c in clusters], ends_at__gte=start_of_day
    ).order_by("starts_at"):
        next_days.setdefault(day.cluster_id, day)
    return [
        FacilitatedCluster(
            cluster=c,
            next_day=next_days.get(c.pk),
            attendance_open=c.pk in next_days and is_attendance_open(next_days[c.pk], on=on),
        )
        for c in clusters
    ]
