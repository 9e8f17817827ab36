"""The home-page panel: your portfolio's progress, or your mentees who are behind on meetings this term."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from portfolios import selectors
from portfolios.models import Portfolio


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = cast(User, request.user)  # the home page is behind LoginRequiredMiddleware
    qs = selectors.open_portfolios(
        Portfolio.objects.filter(enrolment__participant=user)
        | Portfolio.objects.filter(enrolment__mentor=user)
    )
    statuses = selectors.meeting_status(list(qs[:20]), timezone.localdate())
    if not statuses:
        return None
    return {"statuses": statuses, "user_id": user.pk}
