"""What every caseload view shares: the organisation worked in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def organisation_for(request: HttpRequest, check: Callable[[Any, Any], bool] | None = None) -> Any:
    """The school the user is working in; 403 when `check(user, organisation)` refuses."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not organisation.is_school_like:
        raise PermissionDenied("Choose a school first.")
    if check is not None and not check(request.user, organisation):
        raise PermissionDenied("You do not have permission to do this.")
    return organisation
