"""The participant's evaluation and its summary for the provider."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portfolios import forms, selectors, services
from portfolios.permissions import (
    admin_provider_ids,
    fetch_portfolio,
    is_participant,
)
from portfolios.views.common import _errors

# --- Evaluation --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, is_participant)
    form = forms.EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(actor=request.user, portfolio=portfolio, answers=form.cleaned_data)
        except ValidationError as exc:
            for m in _errors(exc):
                form.add_error(None, m)
        else:
            messages.success(request, "Thank you for your evaluation.")
            return redirect("portfolios:portfolio", pk=portfolio.pk)
    return render(request, "portfolios/evaluation.html", {"portfolio": portfolio, "form": form})


@require_GET
def evaluation_summary(request: HttpRequest) -> HttpResponse:
    provider_ids = admin_provider_ids(request.user)
    if not provider_ids:
        raise PermissionDenied("Only programme administrators see the evaluation summary.")
    return render(
        request, "portfolios/evaluation_summary.html", {"summary": selectors.evaluation_summary(provider_ids)}
    )
