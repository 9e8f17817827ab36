"""Mentor meetings and the supporting statement."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from access.permissions import refusal
from core.forms import apply_validation_error
from portfolios import forms, selectors, services
from portfolios.models import (
    MentorMeeting,
)
from portfolios.permissions import (
    can_meet,
    can_mentor,
    can_view_portfolio,
    fetch_portfolio,
)
from portfolios.views.common import _errors

# --- Meetings and the statement ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, can_view_portfolio)
    today = timezone.localdate()
    form = forms.MeetingForm(request.POST or None, today=today)
    if request.method == "POST":
        if not can_meet(request.user, portfolio):
            raise PermissionDenied("Only the mentor and the participant log meetings.")
        if form.is_valid():
            try:
                services.meeting_log(
                    actor=request.user, portfolio=portfolio, today=today, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, "Meeting logged; it now needs the other person's confirmation.")
                return redirect("portfolios:meetings", pk=portfolio.pk)
    return render(
        request,
        "portfolios/meetings.html",
        {
            "portfolio": portfolio,
            "form": form,
            "meetings": selectors.meetings_for(portfolio),
            "status": selectors.meeting_status([portfolio], today)[0],
            "terms": selectors.meetings_by_term(portfolio, today),
            "can_meet": can_meet(request.user, portfolio),
        },
    )


@require_POST
def meeting_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = MentorMeeting.objects.filter(pk=pk).first()
    if meeting is None:
        raise refusal(Http404("No meeting found."), model=MentorMeeting, reason="not found", pk=pk)
    portfolio = fetch_portfolio(request.user, meeting.portfolio_id, can_meet)
    try:
        services.meeting_confirm(actor=request.user, meeting=meeting)
        messages.success(request, f"Meeting on {meeting.held_on:%-d %B %Y} confirmed.")
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("portfolios:meetings", pk=portfolio.pk)


@require_http_methods(["GET", "POST"])
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = fetch_portfolio(request.user, pk, can_mentor)
    existing = getattr(portfolio, "statement", None) if hasattr(portfolio, "statement") else None
    form = forms.StatementForm(request.POST or None, initial={"body": existing.body if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.statement_save(actor=request.user, portfolio=portfolio, body=form.cleaned_data["body"])
        except ValidationError as exc:
            for m in _errors(exc):
                form.add_error("body", m)
        else:
            messages.success(request, "Supporting statement saved.")
            return redirect("portfolios:portfolio", pk=portfolio.pk)
    return render(request, "portfolios/statement.html", {"portfolio": portfolio, "form": form})
