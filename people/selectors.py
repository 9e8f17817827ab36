"""Reads about people that carry rules: always narrowed to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from access.permissions import schools_reached, visible_groups, visible_pupils
from people.models import Group, GroupMembership, Pupil, PupilContact, StaffMember

# The order of a list of pupils as people's pages show them, "Surname, Forename" with the forename they go by (the
# legal surname, the preferred forename where recorded): sorted by legal forenames, "Stewart, Tommy" (legally
# Alexander) came before "Stewart, George".
AS_LISTED = (
    Lower("legal_last_name"),
    Lower(Coalesce(NullIf("preferred_first_name", Value("")), "legal_first_name")),
    "pk",
)


def pupil_search(
    *,
    user: Any,
    query: str = "",
    year_group: int | None = None,
    group_id: int | None = None,
    sen: str = "",
) -> QuerySet[Pupil]:
    """Pupils the user may see, matching a name, UPN or ULN, optionally within a year or group, and with a SEN
    status (`sen`: "any" for SEN support or an EHCP, else one status)."""
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
    if sen == "any":
        qs = qs.exclude(sen_status=Pupil.SenStatus.NONE)
    elif sen:
        qs = qs.filter(sen_status=sen)
    return qs.order_by(*AS_LISTED)


def current_groups(pupil: Pupil) -> QuerySet[GroupMembership]:
    return (
        GroupMembership.objects.current().filter(pupil=pupil).select_related("group").order_by("group__kind")
    )


def group_members(group: Group) -> QuerySet[Pupil]:
    today = timezone.localdate()
    return Pupil.objects.filter(
        pk__in=GroupMembership.objects.current(today).filter(group=group).values("pupil_id")
    ).order_by(*AS_LISTED)


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


def staff_count(*, user: Any, organisation: Any) -> int:
    """How many people work at the organisation: a school's active staff; a group of schools' own staff (its central
    team) and the active staff of its member schools the user reaches, each person once (one may work at two)."""
    ids = {organisation.pk, *(school.pk for school in schools_reached(user, organisation))}
    return (
        StaffMember.objects.filter(organisation_id__in=ids, is_active=True)
        .values("user_id")
        .distinct()
        .count()
    )


def staff_users(organisation: Any) -> QuerySet:
    """The sign-ins of the organisation's active staff, by name: the choices of a staff picker
    (`core.forms.StaffChoiceField`)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(staff_records__organisation=organisation, staff_records__is_active=True)
        .order_by("full_name")
        .distinct()
    )


# --- Who the school may contact about a pupil ---------------------------------------------------
# The one place the "no contact" rule lives: a contact marked `no_contact` is never written to, invited or sent a
# link about the pupil, whatever else the record says.


def contacts_to_contact(pupil_id: int) -> QuerySet[PupilContact]:
    """Every contact of the pupil the school may contact (never one marked "no contact"), first priority first,
    with their contact records."""
    return (
        PupilContact.objects.filter(pupil_id=pupil_id, no_contact=False)
        .select_related("contact")
        .order_by("priority", "pk")
    )


def parents_to_contact(pupil_id: int) -> QuerySet[PupilContact]:
    """The pupil's contacts with parental responsibility the school may contact (never one marked "no contact"),
    first priority first, with their contact records."""
    return contacts_to_contact(pupil_id).filter(has_parental_responsibility=True)


def refused_contacts(pupil_id: int) -> tuple[set[int], set[str]]:
    """The contacts the school must not contact about the pupil, as (contact ids, lower-case addresses): an
    address held by a refused contact is refused whoever else it is recorded for."""
    links = PupilContact.objects.filter(pupil_id=pupil_id, no_contact=True).select_related("contact")
    return {link.contact_id for link in links}, {
        link.contact.email.lower() for link in links if link.contact.email
    }
