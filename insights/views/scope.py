"""From the request to a cohort: which schools, which narrowing, and whether the user may see all of it
(another organisation's school, site or group is a 404; a year or group the user's role does not cover a 403)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from access.permissions import access_for, reachable_organisation_ids, visible_groups
from access.roles import Role
from attendance.selectors import Scope, academic_year_start
from core.http import HtmxHttpRequest
from core.naturalsort import natural_sorted
from insights import selectors
from insights.forms import BY_CHOICES, DashboardForm
from insights.permissions import can_read_dashboard, sees_whole_school, sees_whole_year
from organisations.models import Organisation, Site
from organisations.vocabulary import year_choices
from people.models import Group, GroupMembership


def chosen_organisation(request: HtmxHttpRequest) -> Organisation:
    organisation = request.organisation
    if organisation is None or not organisation.is_school_like:
        raise PermissionDenied("Choose a school first.")
    if not can_read_dashboard(request.user, organisation.pk):
        raise PermissionDenied("The statistics are for PALs, heads of year and senior leaders.")
    return organisation


def pal_group_ids(user: Any) -> list[int]:
    return [g.group_id for g in access_for(user).grants if g.role == Role.PAL and g.group_id]


def members_between(group_ids: list[int], start: datetime.date, end: datetime.date) -> Q:
    members = GroupMembership.objects.filter(group_id__in=group_ids, starts_on__lte=end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    )
    return Q(pk__in=members.values("pupil_id"))


def filter_form(
    request: HtmxHttpRequest, organisation: Organisation, schools: list[Organisation]
) -> DashboardForm:
    user = request.user
    groups = natural_sorted(
        visible_groups(user).filter(organisation_id__in=[s.pk for s in schools], kind="tutor"),
        key=lambda g: g.name,
    )
    shown_by = [c for c in BY_CHOICES if c[0] != "school" or len(schools) > 1]
    return DashboardForm(
        request.GET or None,
        schools=[(str(s.pk), s.name) for s in schools],
        years=_years_seen(user, schools),
        sites=[(str(s.pk), s.name) for s in Site.objects.filter(organisation__in=schools).order_by("name")],
        groups=[(str(g.pk), g.name) for g in groups],
        by=shown_by,
        show_caseload=bool(pal_group_ids(user)),
    )


def has_date_errors(form: DashboardForm) -> bool:
    """Whether the dates asked for are wrong (not dates, or a period ending before it starts): no figures then."""
    return form.is_bound and not form.is_valid() and any(k in form.errors for k in ("start", "end"))


def _years_seen(user: Any, schools: list[Organisation]) -> list[tuple[str, str]]:
    """The year filter's choices: only the years the user may read whole (a head of year their own)."""
    choices = year_choices(schools, blank="All years")
    return [
        (value, label)
        for value, label in choices
        if not value or all(sees_whole_year(user, s.pk, int(value)) for s in schools)
    ]


def dates(form: DashboardForm) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    end = data.get("end") or today
    start = data.get("start") or academic_year_start(end)
    return start, end


def resolve(
    request: HtmxHttpRequest,
    form: DashboardForm,
    organisation: Organisation,
    schools: list[Organisation],
    *,
    group: Group | None = None,
) -> selectors.Cohort:
    """The cohort the request asks for, after every permission check: `organisation` as `chosen_organisation`
    gives it, `schools` those of it the user reaches (`access.permissions.schools_reached`)."""
    user = request.user
    start, end = dates(form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    # The pickers only offer what the user may read; a value typed into the address is checked here (404/403).
    data = {**data, **_raw(request)}
    narrow, label = Q(), [organisation.name]
    whole = all(sees_whole_school(user, s.pk) for s in schools)
    scope_kwargs: dict[str, Any] = {}
    if data.get("school"):
        school = next((s for s in schools if str(s.pk) == data["school"]), None)
        if school is None:
            raise Http404("No such school.")
        schools, label = [school], [school.name]
        whole = sees_whole_school(user, school.pk)
    year = data.get("year") or ""
    if year:
        if not all(sees_whole_year(user, s.pk, int(year)) for s in schools):
            raise PermissionDenied("You may read the figures of your own year only.")
        narrow &= Q(year_group=int(year))
        scope_kwargs["year_group"] = int(year)
        label.append(form.choice_label("year", str(year)))
        whole = True
    if data.get("site"):
        site = Site.objects.filter(pk=int(data["site"]), organisation__in=schools).first()
        if site is None:
            raise Http404("No such site.")
        if not whole:
            raise PermissionDenied("A site's figures are for senior leaders.")
        narrow &= Q(site_id=site.pk)
        scope_kwargs["site_id"] = site.pk
        label.append(site.name)
    if group is None and data.get("group"):
        group = _group(user, int(data["group"]))
    if group is not None:
        narrow &= members_between([group.pk], start, end)
        label.append(group.name)
        whole = False
    if data.get("caseload"):
        narrow &= members_between(pal_group_ids(user), start, end)
        label.append("my caseload")
        whole = False
    scope = None
    if whole:
        ids = [s.pk for s in schools]
        scope = Scope(
            organisation=schools[0] if len(ids) == 1 else organisation, organisation_ids=ids, **scope_kwargs
        )
    return selectors.build_cohort(
        user,
        schools,
        start,
        end,
        organisation=organisation,
        label=", ".join(label),
        narrow=narrow,
        scope=scope,
        narrowed={k: v for k, v in data.items() if v and k not in ("start", "end", "by")},
    )


def _raw(request: HtmxHttpRequest) -> dict[str, Any]:
    return {
        k: request.GET[k] for k in ("school", "year", "site", "group") if request.GET.get(k, "").isdigit()
    }


def _group(user: Any, pk: int) -> Group:
    group = Group.objects.filter(pk=pk, organisation_id__in=reachable_organisation_ids(user)).first()
    if group is None:
        raise Http404("No such group.")
    if not visible_groups(user).filter(pk=group.pk).exists():
        raise PermissionDenied("That group is not one you may read.")
    return group
