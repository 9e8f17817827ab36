"""The governors' termly report: ask for one, follow its progress bar, download the PDF (senior leaders)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import get_for_user
from audit.services import record_event
from core.forms import apply_validation_error
from core.http import HtmxHttpRequest
from insights import services
from insights.forms import ReportForm
from insights.models import GovernorsReport
from insights.permissions import can_request_report, can_view_report
from organisations.models import Organisation, Term


def is_one_school(organisation: Organisation | None) -> bool:
    """The governors' report is one school's: not a provider's, nor a group of schools'."""
    return (
        organisation is not None
        and organisation.is_school_like
        and organisation.kind != Organisation.Kind.GROUP
    )


def _school(request: HtmxHttpRequest) -> Organisation:
    organisation = request.organisation
    if organisation is None or not is_one_school(organisation):
        raise PermissionDenied("Choose a school first: the governors' report is one school's.")
    if not can_request_report(request.user, organisation.pk):
        raise PermissionDenied("The governors' report is made by senior leaders.")
    return organisation


def _initial(school: Organisation) -> dict[str, Any]:
    today = timezone.localdate()
    term = Term.objects.filter(organisation=school, starts_on__lte=today).order_by("-starts_on").first()
    if term is not None:
        return {"starts_on": term.starts_on, "ends_on": min(term.ends_on, today)}
    return {"starts_on": today.replace(day=1), "ends_on": today}


@require_http_methods(["GET", "POST"])
def reports(request: HtmxHttpRequest) -> HttpResponse:
    """The school's reports, newest first, and the form that asks for another."""
    school = _school(request)
    form = ReportForm(request.POST or None, initial=_initial(school))
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_request(
                actor=request.user,
                organisation=school,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The report is being made: this page follows it.")
            return redirect("insights:report", pk=report.pk)
    found = (
        GovernorsReport.objects.filter(organisation=school).defer("pdf").select_related("requested_by")[:20]
    )
    return render(request, "insights/reports.html", {"form": form, "reports": found, "school": school})


def _report(request: HtmxHttpRequest, pk: int) -> GovernorsReport:
    return get_for_user(request.user, GovernorsReport.objects.defer("pdf"), can_view_report, pk=pk)


@require_GET
def report(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return render(request, "insights/report_detail.html", {"report": _report(request, pk)})


@require_GET
def report_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled every second by htmx; once made, the page reloads to offer the download."""
    found = _report(request, pk)
    response = render(request, "insights/_report_progress.html", {"report": found})
    if not found.is_busy and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


@require_GET
def report_download(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(request.user, GovernorsReport, can_view_report, pk=pk)
    if found.status != GovernorsReport.Status.DONE:
        raise Http404("This report is not ready.")
    record_event(action="export", obj=found, note="governors' report downloaded")
    response = HttpResponse(bytes(found.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="governors-report-{found.starts_on:%Y-%m-%d}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
