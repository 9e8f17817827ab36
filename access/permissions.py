"""The spine of access control: which records a user may see, and what they may do to one.

Two kinds of answer, as in Kolibri: a filter for lists (`visible_pupils`) and a check for one object
(`can_view_pupil`). Views fetch tenant data only through `get_for_user`, which answers 404 for a record
outside the user's organisations and 403 for one inside them that the user may not touch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import (
    AUDIT_ROLES,
    IMPORT_ROLES,
    PUPIL_EDITOR_ROLES,
    TWO_FACTOR_ROLES,
    WHOLE_ORGANISATION_ROLES,
    Role,
)

M = TypeVar("M", bound=models.Model)
CACHE_ATTR = "_pastoral_access"


@dataclass
class Grant:
    """One current role assignment, flattened for fast checks."""

    organisation_id: int
    role: str
    site_id: int | None
    year_group: int | None
    group_id: int | None


@dataclass
class Access:
    """Everything the permission checks need to know about one user, loaded once per request."""

    grants: list[Grant] = field(default_factory=list)
    # organisation id -> ids of organisations a role there reaches (itself and the members of a group)
    reach: dict[int, set[int]] = field(default_factory=dict)
    # the organisations the user holds a role in, loaded with their members in the same query
    organisations: dict[int, Any] = field(default_factory=dict)
    # the members of the groups of schools among them (each school or site a group role reaches)
    members: dict[int, Any] = field(default_factory=dict)

    @property
    def organisation_ids(self) -> set[int]:
        ids: set[int] = set()
        for reached in self.reach.values():
            ids |= reached
        return ids

    def roles(self, organisation_id: int | None = None) -> set[str]:
        return {
            g.role
            for g in self.grants
            if organisation_id is None or organisation_id in self.reach.get(g.organisation_id, set())
        }


def access_for(user: Any) -> Access:
    """Load (once per request) the user's current role grants and the organisations they reach."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return Access()
    cached = getattr(user, CACHE_ATTR, None)
    if cached is not None:
        return cached
    assignments = list(RoleAssignment.objects.current().filter(user=user).select_related("organisation"))
    return remember_access(
        user, [(a.organisation, a.role, a.site_id, a.year_group, a.group_id) for a in assignments]
    )


def remember_access(
    user: Any, assignments: list[tuple[Any, str, int | None, int | None, int | None]]
) -> Access:
    """Build the user's Access from their current assignments, each (organisation, role, site id, year group,
    group id), and keep it on the user for the request. `access_for` reads them with the ORM; the session
    store (accounts.sessions) reads them in the same statement as the session and the user."""
    from organisations.models import Organisation

    grants = [
        Grant(org.pk, role, site_id, year_group, group_id)
        for org, role, site_id, year_group, group_id in assignments
    ]
    organisations: dict[int, Any] = {org.pk: org for org, *_ in assignments}
    own = set(organisations)
    children: dict[int, set[int]] = {}
    members: dict[int, Any] = {}
    groups = [pk for pk, org in organisations.items() if org.kind == Organisation.Kind.GROUP]
    if groups:  # a role in a group of schools reaches its members (a second query, for those users only)
        for member in Organisation.objects.filter(parent_id__in=groups):
            children.setdefault(cast(int, member.parent_id), set()).add(member.pk)
            members[member.pk] = member
    reach = {org_id: {org_id} | children.get(org_id, set()) for org_id in own}
    result = Access(grants=grants, reach=reach, organisations=organisations, members=members)
    setattr(user, CACHE_ATTR, result)
    return result


def forget_access(user: Any) -> None:
    """Drop the cached grants (after a role changes within a request or a test)."""
    if hasattr(user, CACHE_ATTR):
        delattr(user, CACHE_ATTR)


def reachable_organisation_ids(user: Any) -> set[int]:
    """Ids of the organisations whose records this user may be shown at all."""
    return access_for(user).organisation_ids


def schools_reached(user: Any, organisation: Any) -> list[Any]:
    """The schools a page about `organisation` covers: the school itself, or each member of a group of schools
    that the user reaches, by name."""
    from organisations.models import Organisation

    if organisation.kind != Organisation.Kind.GROUP:
        return [organisation]
    reach = reachable_organisation_ids(user)
    return list(Organisation.objects.filter(parent=organisation, pk__in=reach).order_by("name"))


def has_role(user: Any, roles: Iterable[str], organisation_id: int | None = None) -> bool:
    """Whether the user holds any of `roles` (in the organisation, or in a group that contains it)."""
    return bool(access_for(user).roles(organisation_id) & set(roles))


def organisations_with_role(user: Any, roles: str | Iterable[str]) -> set[int]:
    """Ids of the organisations reached by the user's grants of any of `roles` (a role held in a group of schools
    reaches its members)."""
    wanted = {roles} if isinstance(roles, str) else set(roles)
    access = access_for(user)
    ids: set[int] = set()
    for grant in access.grants:
        if grant.role in wanted:
            ids |= access.reach.get(grant.organisation_id, {grant.organisation_id})
    return ids


def grants_in(user: Any, organisation_id: int, roles: str | Iterable[str]) -> list[Grant]:
    """The user's grants of any of `roles` that reach the organisation (for rules that read a grant's year group,
    site or group)."""
    wanted = {roles} if isinstance(roles, str) else set(roles)
    access = access_for(user)
    return [
        g
        for g in access.grants
        if g.role in wanted and organisation_id in access.reach.get(g.organisation_id, set())
    ]


def grants_q(user: Any, grant_q: Callable[[Grant, set[int]], Q | None]) -> Q:
    """The OR over the user's current grants of `grant_q(grant, organisation ids the grant reaches)`, a grant
    answering None adding nothing: the one loop an app's `visible_*` filter is built on. Matches nothing for a
    user with no roles."""
    access = access_for(user)
    q = Q(pk__in=[])
    for grant in access.grants:
        grant_filter = grant_q(grant, access.reach.get(grant.organisation_id, {grant.organisation_id}))
        if grant_filter is not None:
            q |= grant_filter
    return q


def requires_two_factor(user: Any) -> bool:
    """Whether this user must sign in with a second factor: roles that see safeguarding or SEN data."""
    return has_role(user, TWO_FACTOR_ROLES)


# --- Pupils -----------------------------------------------------------------------------------


def _grant_pupil_q(access: Access, grant: Grant) -> Q | None:
    orgs = access.reach.get(grant.organisation_id, {grant.organisation_id})
    if grant.role in WHOLE_ORGANISATION_ROLES:
        q = Q(organisation_id__in=orgs)
        if grant.site_id:
            q &= Q(site_id=grant.site_id)
        return q
    if grant.role == Role.HEAD_OF_YEAR:
        if grant.group_id:
            return _group_q(grant.group_id)
        if grant.year_group is None:
            return None
        q = Q(organisation_id__in=orgs, year_group=grant.year_group)
        if grant.site_id:
            q &= Q(site_id=grant.site_id)
        return q
    if grant.role in (Role.TUTOR, Role.PAL) and grant.group_id:
        return _group_q(grant.group_id)
    return None


def _group_q(group_id: int) -> Q:
    from people.models import GroupMembership

    today = timezone.localdate()
    members = GroupMembership.objects.current(today).filter(group_id=group_id).values("pupil_id")
    return Q(pk__in=members)


def pupil_filter(user: Any) -> Q:
    """A Q over Pupil matching exactly the pupils this user may see; matches nothing for no roles."""
    access = access_for(user)
    q = Q(pk__in=[])
    for grant in access.grants:
        grant_q = _grant_pupil_q(access, grant)
        if grant_q is not None:
            q |= grant_q
    return q


def visible_pupils(user: Any) -> QuerySet:
    """The pupils this user may see: whole school, their year, their groups or their caseload."""
    from people.models import Pupil

    return Pupil.objects.filter(pupil_filter(user)).distinct()


def can_view_pupil(user: Any, pupil: Any) -> bool:
    """Whether the user may open this pupil's record."""
    access = access_for(user)
    if pupil.organisation_id not in access.organisation_ids:
        return False
    for grant in access.grants:
        if pupil.organisation_id not in access.reach.get(grant.organisation_id, set()):
            continue
        if grant.role in WHOLE_ORGANISATION_ROLES and (not grant.site_id or grant.site_id == pupil.site_id):
            return True
        if (
            grant.role == Role.HEAD_OF_YEAR
            and grant.year_group is not None
            and grant.year_group == pupil.year_group
            and (not grant.site_id or grant.site_id == pupil.site_id)
        ):
            return True
    group_ids = [
        g.group_id
        for g in access.grants
        if g.group_id and g.role in (Role.TUTOR, Role.PAL, Role.HEAD_OF_YEAR)
    ]
    if group_ids:
        from people.models import GroupMembership

        return GroupMembership.objects.current().filter(pupil=pupil, group_id__in=group_ids).exists()
    return False


def can_edit_pupil(user: Any, pupil: Any) -> bool:
    """Whether the user may change a pupil's details by hand."""
    return can_view_pupil(user, pupil) and has_role(user, PUPIL_EDITOR_ROLES, pupil.organisation_id)


def can_see_sen(user: Any, pupil: Any) -> bool:
    """SEN status is shown to those who may see the pupil and work with it."""
    return can_view_pupil(user, pupil)


def can_import(user: Any, organisation: Any) -> bool:
    """Whether the user may run MIS imports for an organisation."""
    return has_role(user, IMPORT_ROLES, organisation.pk)


def can_read_audit(user: Any, organisation: Any) -> bool:
    """Whether the user may read and export an organisation's audit log."""
    return has_role(user, AUDIT_ROLES, organisation.pk)


# --- Groups -----------------------------------------------------------------------------------


def visible_groups(user: Any) -> QuerySet:
    """Groups whose register or list this user may open."""
    from people.models import Group

    access = access_for(user)
    q = Q(pk__in=[])
    for grant in access.grants:
        orgs = access.reach.get(grant.organisation_id, {grant.organisation_id})
        if grant.role in WHOLE_ORGANISATION_ROLES:
            q |= Q(organisation_id__in=orgs) & (Q(site_id=grant.site_id) if grant.site_id else Q())
        elif grant.role == Role.HEAD_OF_YEAR and grant.year_group is not None:
            q |= Q(organisation_id__in=orgs, year_group=grant.year_group)
        if grant.group_id and grant.role in (Role.TUTOR, Role.PAL, Role.HEAD_OF_YEAR):
            q |= Q(pk=grant.group_id)
    return Group.objects.filter(q)


def can_view_group(user: Any, group: Any) -> bool:
    """Whether the user may open this group."""
    return visible_groups(user).filter(pk=group.pk).exists()


# --- The one way views fetch tenant records --------------------------------------------------


def get_for_user(
    user: Any,
    queryset: QuerySet[M] | type[M],
    check: Callable[[Any, M], bool] | None = None,
    organisation_field: str = "organisation_id",
    visible: Q | None = None,
    **lookup: Any,
) -> M:
    """Fetch one tenant record for a user, or raise.

    Http404 when the record does not exist or belongs to an organisation the user does not reach
    (the same answer for both, so ids cannot be probed); PermissionDenied (403) when it is within reach
    but `check(user, obj)` says no. The exception carries the refusal (`refusal_of`), which audit's middleware
    writes to the audit log. `visible`, when given, replaces the organisation filter with the app's own Q of what
    this user reaches.
    """
    qs = queryset if isinstance(queryset, QuerySet) else queryset._default_manager.all()
    if visible is None:
        qs = qs.filter(**{f"{organisation_field}__in": reachable_organisation_ids(user)})
    else:  # records reached another way (a booking through its school or its provider)
        qs = qs.filter(visible).distinct()
    try:
        obj = qs.get(**lookup)
    except ObjectDoesNotExist:
        obj = None
    return admit(user, obj, qs.model, check, **lookup)


def admit(
    user: Any, obj: M | None, model: type[M], check: Callable[[Any, M], bool] | None = None, **lookup: Any
) -> M:
    """What `get_for_user` does with the record it read (None: not found or outside the user's reach), for a
    view that read it another way (one plain statement on a hot path), already limited to
    `reachable_organisation_ids(user)`: Http404 when None, PermissionDenied when `check` says no, else the
    record, noted as fetched."""
    if obj is None:
        raise refusal(
            Http404(f"No {model._meta.verbose_name} found."),
            model=model,
            reason="not found or outside reach",
            **lookup,
        )
    if check is not None and not check(user, obj):
        raise refusal(
            PermissionDenied("You do not have permission to do this."),
            model=model,
            reason=f"refused by {getattr(check, '__name__', 'check')}",
            obj=obj,
            **lookup,
        )
    note_fetched(user, obj)
    return obj


# --- Refusals, for the audit log ---------------------------------------------------------------
#
# Access decides; it does not write the audit log. A refusal is an exception (Http404 or PermissionDenied) that
# carries what was refused; audit's middleware records every 403 and 404 a signed-in user receives, in one place.

FETCHED_ATTR = "_pastoral_fetched"
E = TypeVar("E", bound=Exception)


@dataclass(frozen=True)
class Refusal:
    """What a refusal was about: the model and lookup asked for, why, and the record when it was found."""

    model: type[models.Model]
    lookup: dict[str, Any]
    reason: str
    obj: Any = None


def refusal(exception: E, *, model: type[models.Model], reason: str, obj: Any = None, **lookup: Any) -> E:
    """`exception` (Http404 or PermissionDenied) carrying what it refuses, for the audit log:
    `raise refusal(Http404("No entry found."), model=Entry, reason="not found", pk=pk)`."""
    exception.refusal = Refusal(model, lookup, reason, obj)  # type: ignore[attr-defined]
    return exception


def refusal_of(exception: BaseException) -> Refusal | None:
    """What an exception says it refused (None for a bare `raise PermissionDenied`)."""
    found = getattr(exception, "refusal", None)
    return found if isinstance(found, Refusal) else None


def note_fetched(user: Any, obj: Any) -> None:
    """Remember the last tenant record fetched for this user in this request: a view that then refuses by hand
    (`raise PermissionDenied`) is refusing something about it, and the audit log names it."""
    if getattr(user, "is_authenticated", False):
        setattr(user, FETCHED_ATTR, obj)


def last_fetched(user: Any) -> Any:
    """The last record `get_for_user` returned to this user in this request (None if none)."""
    return getattr(user, FETCHED_ATTR, None)
