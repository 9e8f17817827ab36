"""What every attendance screen shares: the organisation being worked in, the date and session asked for."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from access.permissions import schools_reached
from attendance import permissions, selectors
from attendance.forms import (
    parse_date,
)
from attendance.models import (
    Session,
)
from organisations.models import Organisation


def _organisation(request: HttpRequest, check=None) -> Any:
    """The organisation the user is working in; 403 if `check(user, organisation)` refuses."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not organisation.is_school_like:
        raise PermissionDenied("Choose a school first.")
    if check is not None and not check(request.user, organisation):
        raise PermissionDenied("You do not have permission to do this.")
    return organisation


def _office(user: Any, organisation: Any) -> bool:
    return permissions.is_office(user, organisation.pk)


def _per_school(request: HttpRequest, organisation: Any, *, title: str, what: str) -> HttpResponse | None:
    """In a group of schools, the page saying that `what` is kept by each school or site, naming those the user
    reaches (the group's own rows hold none of it: an empty list would mislead); None in a school or site."""
    if organisation.kind != Organisation.Kind.GROUP:
        return None
    return render(
        request,
        "attendance/per_school.html",
        {"title": title, "what": what, "schools": schools_reached(request.user, organisation)},
    )


def _date_session(request: HttpRequest, organisation: Any) -> tuple[datetime.date, str]:
    """The date and session asked for; without them today and `organisation`'s current session."""
    date = parse_date(request.GET.get("date"), timezone.localdate())
    session = request.GET.get("session") or selectors.current_session(organisation)
    if session not in Session.values:
        session = Session.AM
    return date, session


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
