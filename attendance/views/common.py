"""What every attendance screen shares: the organisation being worked in, the date and session asked for."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from attendance import permissions, selectors
from attendance.forms import (
    parse_date,
)
from attendance.models import (
    Session,
)


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


def _date_session(request: HttpRequest, organisation: Any) -> tuple[datetime.date, str]:
    """The date and session asked for; without them today and `organisation`'s current session."""
    date = parse_date(request.GET.get("date"), timezone.localdate())
    session = request.GET.get("session") or selectors.current_session(organisation)
    if session not in Session.values:
        session = Session.AM
    return date, session


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
