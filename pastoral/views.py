from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from access.models import RoleAssignment
from access.summaries import role_summaries
from core.registry import HOME_PANELS


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each person's home: a panel for every part of their work their roles open."""
    panels = []
    for panel in HOME_PANELS:
        context = panel.context(request)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    roles = (
        RoleAssignment.objects.current()
        .filter(user=request.user)  # type: ignore[misc]
        .select_related("organisation", "group", "site")
    )
    summaries = role_summaries(roles)
    hour = timezone.localtime().hour
    greeting = "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"
    return render(request, "home.html", {"panels": panels, "role_summaries": summaries, "greeting": greeting})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
