"""The participant's, mentor's and reviewer's home, and the provider's administration (with allocation)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from access.roles import Role
from accounts.models import User
from organisations.models import Organisation
from portfolios import forms, selectors, services
from portfolios.models import (
    Certificate,
    ModerationSample,
    Portfolio,
    Review,
    Submission,
)
from portfolios.permissions import (
    admin_provider_ids,
    visible_portfolios,
    visible_sample_items,
)
from qualifications.models import Edition

# --- Dashboards --------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each person's part: own portfolios, mentees (with who is behind), allocations, the sample."""
    user = cast(User, request.user)  # LoginRequiredMiddleware: never anonymous here
    today = timezone.localdate()
    own = (
        visible_portfolios(user)
        .filter(enrolment__participant=user)
        .select_related("enrolment__level", "enrolment__edition__programme")
        .prefetch_related("meetings")
    )
    mentees = selectors.open_portfolios(visible_portfolios(user).filter(enrolment__mentor=user))
    reviews = (
        Review.objects.filter(reviewer=user)
        .select_related("submission__portfolio__enrolment__level")
        .order_by("completed_at", "allocated_at")
    )
    sample_items = visible_sample_items(user).select_related("review", "sample__edition")
    return render(
        request,
        "portfolios/home.html",
        {
            "own": selectors.meeting_status(own, today),
            "mentees": selectors.meeting_status(mentees, today),
            "reviews": reviews,
            "sample_items": sample_items,
            "is_admin": bool(admin_provider_ids(user)),
            "certificates": Certificate.objects.filter(holder=user).order_by("qualification", "level_number"),
        },
    )


@require_GET
def provider_admin(request: HttpRequest) -> HttpResponse:
    """The administrator's view: who is behind with meetings, who is late, what to allocate, samples."""
    provider_ids = admin_provider_ids(request.user)
    if not provider_ids:
        raise PermissionDenied("Only programme administrators see this page.")
    today = timezone.localdate()
    portfolios = Portfolio.objects.filter(provider_id__in=provider_ids)
    behind = [s for s in selectors.meeting_status(selectors.open_portfolios(portfolios), today) if s.behind]
    late = selectors.late_portfolios(portfolios, today)
    unallocated = Submission.objects.filter(
        portfolio__provider_id__in=provider_ids, review__isnull=True
    ).select_related("portfolio__enrolment__participant", "portfolio__enrolment__level")
    reviewers = _reviewers(provider_ids).annotate(
        total=Count("portfolio_reviews", filter=Q(portfolio_reviews__provider_id__in=provider_ids)),
        open=Count(
            "portfolio_reviews",
            filter=Q(
                portfolio_reviews__provider_id__in=provider_ids, portfolio_reviews__completed_at__isnull=True
            ),
        ),
    )
    editions = Edition.objects.filter(organisation_id__in=provider_ids).select_related(
        "programme", "academic_year"
    )
    samples = ModerationSample.objects.filter(organisation_id__in=provider_ids).select_related("edition")
    certs = Certificate.objects.filter(organisation_id__in=provider_ids).order_by("-issued_at")
    return render(
        request,
        "portfolios/provider_admin.html",
        {
            "behind": behind[:200],
            "late": late[:200],
            "unallocated": unallocated,
            "allocation_form": forms.AllocationForm(reviewers=_reviewers(provider_ids)),
            "reviewers": reviewers,
            "sample_form": forms.SampleForm(editions=editions),
            "samples": samples,
            "certificates": Paginator(certs, 50).get_page(request.GET.get("page")),
            "open_count": selectors.open_portfolios(portfolios).count(),
        },
    )


@require_GET
def portfolio_list(request: HttpRequest) -> HttpResponse:
    """The administrator's list of the provider's portfolios (the open ones, or all), paged, each linked."""
    provider_ids = admin_provider_ids(request.user)
    if not provider_ids:
        raise PermissionDenied("Only programme administrators see this page.")
    show_all = request.GET.get("show") == "all"
    page = Paginator(selectors.provider_portfolios(provider_ids, open_only=not show_all), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portfolios/portfolio_list.html",
        {"page_obj": page, "rows": selectors.portfolio_rows(page), "show_all": show_all},
    )


def _reviewers(provider_ids: set[int]):  # noqa: ANN202
    return (
        get_user_model()
        .objects.filter(
            role_assignments__role=Role.REVIEWER, role_assignments__organisation_id__in=provider_ids
        )
        .distinct()
        .order_by("full_name")
    )


@require_POST
def allocate(request: HttpRequest) -> HttpResponse:
    provider_ids = admin_provider_ids(request.user)
    if not provider_ids:
        raise PermissionDenied("Only programme administrators allocate portfolios.")
    form = forms.AllocationForm(request.POST, reviewers=_reviewers(provider_ids))
    if form.is_valid():
        made, unallocated = [], []
        for provider in Organisation.objects.filter(pk__in=provider_ids).order_by("pk"):
            reviewers = [
                r
                for r in form.cleaned_data["reviewers"]
                if r.role_assignments.filter(organisation=provider, role=Role.REVIEWER).exists()
            ]
            subs = list(Submission.objects.filter(portfolio__provider=provider, review__isnull=True))
            if reviewers and subs:
                result = services.reviews_allocate(
                    actor=request.user, provider=provider, reviewers=reviewers, submissions=subs
                )
                made += result.reviews
                unallocated += result.unallocated
        messages.success(request, f"{len(made)} portfolio(s) allocated.")
        for _submission, reason in unallocated:
            messages.error(request, reason)
    else:
        messages.error(request, "Choose at least one reviewer.")
    return redirect("portfolios:provider_admin")
