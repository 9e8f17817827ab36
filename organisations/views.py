from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.middleware import SESSION_KEY
from access.permissions import get_for_user, has_role
from access.roles import IMPORT_ROLES
from core.http import HtmxHttpRequest
from organisations.forms import ClosureForm, TermForm
from organisations.models import Closure, Term

CALENDAR_EDITORS = IMPORT_ROLES  # the school administrator keeps the calendar


def _can_edit_calendar(user: Any, obj: Any) -> bool:
    return has_role(user, CALENDAR_EDITORS, obj.organisation_id)


def _current_organisation(request: HttpRequest) -> Any:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("You belong to no organisation.")
    return organisation


@require_POST
def switch(request: HtmxHttpRequest) -> HttpResponse:
    """Choose which of your organisations you are working in."""
    try:
        wanted = int(request.POST.get("organisation", ""))
    except ValueError:
        raise Http404("No such organisation.") from None
    if wanted not in {o.pk for o in request.organisations}:
        raise Http404("No such organisation.")
    request.session[SESSION_KEY] = wanted
    return redirect("home")


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """The current organisation's terms and closures."""
    organisation = _current_organisation(request)
    terms = organisation.terms.select_related("academic_year").order_by("-starts_on")[:12]
    closures = organisation.closures.select_related("site").order_by("-starts_on")[:60]
    return render(
        request,
        "organisations/calendar.html",
        {
            "organisation": organisation,
            "terms": terms,
            "closures": closures,
            "memberships": organisation.memberships.all(),
            "can_edit": has_role(request.user, CALENDAR_EDITORS, organisation.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def term_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    organisation = _current_organisation(request)
    term = get_for_user(request.user, Term, _can_edit_calendar, pk=pk) if pk else None
    if term is None and not has_role(request.user, CALENDAR_EDITORS, organisation.pk):
        raise PermissionDenied("Only the school administrator edits term dates.")
    form = TermForm(
        request.POST or None, instance=term, organisation=term.organisation if term else organisation
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Saved the {saved}.")
        return redirect("organisations:calendar")
    return render(request, "organisations/term_form.html", {"form": form, "term": term})


@require_http_methods(["GET", "POST"])
def closure_add(request: HttpRequest) -> HttpResponse:
    organisation = _current_organisation(request)
    if not has_role(request.user, CALENDAR_EDITORS, organisation.pk):
        raise PermissionDenied("Only the school administrator records closures.")
    form = ClosureForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        closure = form.save()
        messages.success(request, f"Recorded: {closure}.")
        return redirect("organisations:calendar")
    return render(request, "organisations/closure_form.html", {"form": form})


@require_POST
def closure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_for_user(request.user, Closure, _can_edit_calendar, pk=pk)
    label = str(closure)
    closure.delete()
    messages.success(request, f"Removed: {label}.")
    return redirect("organisations:calendar")
