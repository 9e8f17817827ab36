"""Telling children apart: a school can have two pupils of the same name, and a disclosure logged against the wrong
one is a safeguarding failure. Wherever a safeguarding page names or offers a child, it shows their year and tutor
group (and, where a child is chosen, their date of birth), read in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import BooleanField, Case, Prefetch, Q, QuerySet, Value, When, prefetch_related_objects
from django.utils import timezone

from access.permissions import pupil_filter, schools_reached
from core.naturalsort import natural_key
from people.models import Group, GroupMembership, Pupil
from safeguarding.permissions import on_roll_where_working_q

TUTOR_GROUPS = "sg_tutor_memberships"  # the attribute the prefetch fills


def _tutor_memberships(on: datetime.date | None) -> Prefetch:
    memberships = (
        GroupMembership.objects.current(on or timezone.localdate())
        .filter(group__kind=Group.Kind.TUTOR)
        .select_related("group")
        .order_by("group__name", "pk")
    )
    return Prefetch("memberships", queryset=memberships, to_attr=TUTOR_GROUPS)


def with_tutor_groups(pupils: QuerySet[Pupil], on: datetime.date | None = None) -> QuerySet[Pupil]:
    """The pupils with their organisation and their tutor groups on a day (today unless told): two queries
    however many pupils, for `pupil_label`."""
    return pupils.select_related("organisation").prefetch_related(_tutor_memberships(on))


def load_tutor_groups(pupils: Iterable[Pupil | None], on: datetime.date | None = None) -> None:
    """Fill in the organisation and tutor groups of pupils already fetched (a concern's child, an agenda's
    students): a query or two however many pupils."""
    prefetch_related_objects([p for p in pupils if p is not None], "organisation", _tutor_memberships(on))


def concern_choices(user: Any, organisation: Any) -> QuerySet[Pupil]:
    """The children this user may log a concern about at the organisation they are working in (its member schools,
    for a group of schools), each annotated `may_see`: whether the user may already see the pupil (only then is
    the date of birth shown)."""
    if organisation is None:
        return Pupil.objects.none()
    schools = [school.pk for school in schools_reached(user, organisation)]
    # The pupils the user may already see, read on their own: their rule joins groups and memberships, which Citus
    # will not plan inside an OR or a CASE beside other tables; as a list of ids it is a plain filter.
    seen = list(
        Pupil.objects.filter(pupil_filter(user), organisation_id__in=schools)
        .values_list("pk", flat=True)
        .distinct()
    )
    may_see = Case(When(pk__in=seen, then=Value(True)), default=Value(False), output_field=BooleanField())
    return Pupil.objects.filter(
        on_roll_where_working_q(user) | Q(pk__in=seen), organisation_id__in=schools
    ).annotate(may_see=may_see)


def by_shown_name(pupil: Any) -> tuple[Any, ...]:
    """A sort key: the name shown (preferred surname, then forename) in natural order, ignoring case."""
    return (natural_key(pupil.last_name), natural_key(pupil.first_name), pupil.year_group, pupil.pk)


def pupil_label(pupil: Any, *, born: bool = False) -> str:
    """The name and what tells two children of that name apart: "Jacob Collins — Year 9, 9B2", with
    ", born 3 Mar 2012" when `born`. The tutor group only when it was loaded (`with_tutor_groups`): never a query per child."""
    details = [pupil.year_label]
    details += [m.group.name for m in getattr(pupil, TUTOR_GROUPS, [])]
    if born:
        details.append(f"born {pupil.date_of_birth.day} {pupil.date_of_birth:%b %Y}")
    return f"{pupil.display_name} — {', '.join(details)}"
