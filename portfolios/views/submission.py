"""Submitting a portfolio, and granting an extension."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.forms import apply_validation_error
from portfolios import forms, selectors, services
from portfolios.permissions import (
    can_administer,
    fetch_portfolio,
    is_participant,
)
from portfolios.views.common import _errors

# --- Submission --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant submits; the page lists what stands in the way, and a refused submission shows the
    service's reasons (the rules are asked once, by the service)."""
    portfolio = fetch_portfolio(
        request.user, pk, is_participant
    )  # only the participant submits their portfolio
    today = timezone.localdate()
    problems: list[str] = []
    if request.method != "POST":
        problems = selectors.submission_problems(portfolio, today)
    else:
        try:
            services.portfolio_submit(actor=request.user, portfolio=portfolio, today=today)
        except ValidationError as exc:
            problems = _errors(exc)
        else:
            messages.success(request, "Your portfolio is submitted. A copy is frozen for the reviewer.")
            return redirect("portfolios:portfolio", pk=portfolio.pk)
    return render(
        request,
        "portfolios/submit.html",
        {
            "portfolio": portfolio,
            "problems": problems,
            "deadline": selectors.submission_deadline(portfolio),
        },
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def extension(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, can_administer)
    form = forms.ExtensionForm(request.POST or None, initial={"until": portfolio.extension_until})
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_grant(actor=request.user, portfolio=portfolio, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Extension granted until {form.cleaned_data['until']:%-d %B %Y}.")
            return redirect("portfolios:provider_admin")
    return render(request, "portfolios/extension.html", {"portfolio": portfolio, "form": form})
