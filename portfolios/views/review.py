"""Reviewing a submission."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from access.permissions import refusal
from portfolios import forms, selectors, services
from portfolios.models import (
    Review,
)
from portfolios.permissions import (
    can_administer,
    can_view_portfolio,
    fetch_portfolio,
)
from portfolios.views.common import _errors

# --- Review ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    review_obj = Review.objects.filter(pk=pk).select_related("submission__portfolio").first()
    if review_obj is None:
        raise refusal(Http404("No review found."), model=Review, reason="not found", pk=pk)
    portfolio = fetch_portfolio(request.user, review_obj.submission.portfolio_id, can_view_portfolio)
    if review_obj.reviewer_id != request.user.pk and not can_administer(request.user, portfolio):
        raise PermissionDenied("Only the allocated reviewer judges this portfolio.")
    modules = list(portfolio.enrolment.level.modules.order_by("number"))
    form = forms.ReviewForm(request.POST or None, modules=modules)
    if request.method == "POST":
        if review_obj.reviewer_id != request.user.pk:
            raise PermissionDenied("Only the allocated reviewer judges this portfolio.")
        if form.is_valid():
            try:
                services.review_record(
                    actor=request.user,
                    review=review_obj,
                    judgements=form.judgements(),
                    outcome=form.cleaned_data["outcome"],
                    feedback=form.cleaned_data["feedback"],
                    rating=form.cleaned_data["rating"],
                    borderline=form.cleaned_data["borderline"],
                )
            except ValidationError as exc:
                for m in _errors(exc):
                    form.add_error(None, m)
            else:
                messages.success(request, "Review recorded.")
                return redirect("portfolios:home")
    judgements = list(review_obj.module_judgements.select_related("module"))
    evidence = selectors.evidence_by_module(review_obj.submission, modules, judgements)
    module_fields = [
        (group, form[f"module_{group.module.pk}_outcome"], form[f"module_{group.module.pk}_feedback"])
        for group in evidence
    ]
    return render(
        request,
        "portfolios/review.html",
        {
            "review": review_obj,
            "portfolio": portfolio,
            "form": form,
            "module_fields": module_fields,
            "snapshot": review_obj.submission.snapshot,
        },
    )
