"""Reviewing a submission."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portfolios import forms, selectors, services
from portfolios.models import Review
from portfolios.permissions import can_judge_review, fetch_review
from portfolios.views.common import _errors

# --- Review ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The allocated reviewer judges each module beside its evidence, then the whole; the provider's administrator
    reads the page."""
    review_obj = fetch_review(request.user, pk)
    portfolio = review_obj.submission.portfolio
    modules = list(portfolio.enrolment.level.modules.order_by("number"))
    form = forms.ReviewForm(request.POST or None, modules=modules)
    if request.method == "POST":
        if not can_judge_review(request.user, review_obj):
            raise PermissionDenied("Only the allocated reviewer judges this portfolio.")
        if _record_review(request, form, review_obj):
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


def _record_review(request: HttpRequest, form: forms.ReviewForm, review_obj: Review) -> bool:
    """Whether the posted judgement was recorded; when not, the reasons are on the form."""
    if not form.is_valid():
        return False
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
        return False
    return True
