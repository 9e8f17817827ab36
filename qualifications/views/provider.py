"""Screens for the provider: the dashboard, the participant list and exports."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import AuditEvent
from audit.services import record_event
from core.exports import export_response
from qualifications import extensions, selectors
from qualifications import permissions as perms
from qualifications.models import (
    Cluster,
)
from qualifications.views.shared import page_of, require


@require_GET
def provider_dashboard(request: HttpRequest) -> HttpResponse:
    """Clusters against capacity, unpaid invoices (overdue ones marked; `?unpaid=overdue` for those only) and fees
    by edition, with exports."""
    require(perms.is_programme_admin(request.user))
    clusters = selectors.clusters_with_numbers(
        Cluster.objects.filter(organisation_id__in=perms.admin_provider_ids(request.user))
    ).order_by("-edition__academic_year__starts_on", "edition__programme__code", "level__number", "name")
    overdue_only = request.GET.get("unpaid") == "overdue"
    unpaid = list(
        selectors.overdue_bookings(request.user) if overdue_only else selectors.unpaid_bookings(request.user)
    )
    return render(
        request,
        "qualifications/provider_dashboard.html",
        {
            "page_obj": page_of(request, clusters),
            "unpaid": unpaid[:20],
            "unpaid_count": len(unpaid),
            "overdue_only": overdue_only,
            "fees": selectors.fees_by_edition(request.user),
            "exports": selectors.EXPORTS,
            "panels": extensions.provider_overview_panels(request),
        },
    )


@require_GET
def participant_list(request: HttpRequest) -> HttpResponse:
    """Participants and their mentors: a school's own staff, or the provider's (by cluster for facilitators)."""
    require(perms.is_booker(request.user) or bool(perms.provider_ids(request.user)))
    page = page_of(request, selectors.visible_enrolments(request.user))
    links = extensions.enrolment_links(request.user, page)
    rows = [{"enrolment": e, "links": links.get(e.pk, [])} for e in page]
    return render(request, "qualifications/participant_list.html", {"page_obj": page, "rows": rows})


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """CSV or XLSX of bookings, unpaid invoices, participants and mentors, or clusters."""
    require(perms.is_programme_admin(request.user))
    what = request.GET.get("what", "")
    if what not in selectors.EXPORTS:
        raise Http404("No such export.")
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    title, header = selectors.EXPORTS[what]
    rows = selectors.export_rows(request.user, what)
    record_event(
        action=AuditEvent.Action.EXPORT,
        actor=request.user,
        organisation_id=min(perms.admin_provider_ids(request.user)),
        note=f"qualifications {what} {fmt}",
    )
    return export_response(fmt, f"qualifications-{what}", header, rows, title=title)
