"""Reads about people that carry rules: always narrowed to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from access.permissions import visible_groups, visible_pupils
from people.models import Group, GroupMembership, Pupil


def pupil_search(
    *, user: Any, query: str = "", year_group: int | None = None, group_id: int | None = None
) -> QuerySet[Pupil]:
    """Pupils the user may see, matching a name, UPN or ULN, optionally within a year or group."""
    qs = visible_pupils(user).select_related("site", "organisation")
    query = query.strip()
    if query:
        terms = Q()
        for word in query.split():
            terms &= (
                Q(legal_first_name__icontains=word)
                | Q(legal_last_name__icontains=word)
                | Q(preferred_first_name__icontains=word)
                | Q(preferred_last_name__icontains=word)
                | Q(upn__iexact=word)
                | Q(uln__iexact=word)
                | Q(mis_id__iexact=word)
            )
        qs = qs.filter(terms)
    if year_group is not None:
        qs = qs.filter(year_group=year_group)
    if group_id is not None:
        qs = qs.filter(pk__in=GroupMembership.objects.current().filter(group_id=group_id).values("pupil_id"))
    return qs.order_by("legal_last_name", "legal_first_name", "pk")


def current_groups(pupil: Pupil) -> QuerySet[GroupMembership]:
    return (
        GroupMembership.objects.current().filter(pupil=pupil).select_related("group").order_by("group__kind")
    )


def group_members(group: Group) -> QuerySet[Pupil]:
    today = timezone.localdate()
    return Pupil.objects.filter(
        pk__in=GroupMembership.objects.current(today).filter(group=group).values("pupil_id")
    ).order_by("legal_last_name", "legal_first_name")


def groups_with_counts(*, user: Any, group_ids: list[int] | None = None) -> QuerySet[Group]:
    today = timezone.localdate()
    qs = visible_groups(user)
    if group_ids is not None:
        qs = qs.filter(pk__in=group_ids)
    return qs.annotate(
        pupil_count=Count(
            "memberships",
            filter=Q(memberships__starts_on__lte=today)
            & (Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=today)),
        )
    ).order_by("name")
