from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from access.middleware import SESSION_KEY


@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """Choose which of your organisations you are working in."""
    try:
        wanted = int(request.POST.get("organisation", ""))
    except ValueError:
        raise Http404("No such organisation.") from None
    if wanted not in {o.pk for o in request.organisations}:  # type: ignore[attr-defined]
        raise Http404("No such organisation.")
    request.session[SESSION_KEY] = wanted
    return redirect("home")


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """The current organisation's terms and closures."""
    organisation = request.organisation  # type: ignore[attr-defined]
    if organisation is None:
        raise Http404("You belong to no organisation.")
    terms = organisation.terms.select_related("academic_year").order_by("-starts_on")[:9]
    closures = organisation.closures.select_related("site").order_by("-starts_on")[:40]
    memberships = organisation.memberships.all()
    return render(
        request,
        "organisations/calendar.html",
        {"organisation": organisation, "terms": terms, "closures": closures, "memberships": memberships},
    )
