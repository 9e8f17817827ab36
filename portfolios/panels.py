"""The home-page panels: your portfolio's progress or your mentees' meetings; reviews awaiting a reviewer;
sampled portfolios awaiting a moderator."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from portfolios import selectors
from portfolios.models import Portfolio, Review, SampleItem
from portfolios.permissions import is_moderator, is_reviewer, visible_portfolios, visible_sample_items

SHOWN = 10  # the panel lists the first few; the count and the Portfolios page give the rest


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


def reviews_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The reviews allocated to this reviewer that she has not completed yet."""
    user = cast(User, request.user)
    if not is_reviewer(user):
        return None
    awaiting = (
        Review.objects.filter(reviewer=user, completed_at__isnull=True)
        .select_related(
            "submission__portfolio__enrolment__participant", "submission__portfolio__enrolment__level"
        )
        .order_by("allocated_at", "pk")
    )
    count = awaiting.count()
    if not count:
        return None
    return {"count": count, "reviews": list(awaiting[:SHOWN])}


def moderation_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Sampled portfolios awaiting this moderator's verdict, in samples not yet finalised."""
    user = cast(User, request.user)
    if not is_moderator(user):
        return None
    awaiting = (
        visible_sample_items(user)
        .filter(verdict="", sample__finalised_at__isnull=True)
        .select_related("sample__edition")
        .order_by("sample__drawn_at", "pseudonym", "pk")
    )
    count = awaiting.count()
    if not count:
        return None
    items: list[SampleItem] = list(awaiting[:SHOWN])
    return {"count": count, "sampled": items}


def portfolio_links(user: Any, enrolments: list[Any]) -> dict[int, list[tuple[str, str]]]:
    """A link to each place's portfolio that this user may open (the same rule as the portfolio pages)."""
    found = visible_portfolios(user).filter(enrolment__in=[e.pk for e in enrolments])
    return {
        enrolment_id: [("Portfolio", reverse("portfolios:portfolio", args=[pk]))]
        for pk, enrolment_id in found.values_list("pk", "enrolment_id")
    }
