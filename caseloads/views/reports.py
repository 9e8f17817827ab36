"""Termly reports to parents: one student's report as a PDF; a batch for a group, a caseload or a year group
started here, followed by an htmx-polled progress bar, then downloaded as one ZIP (or already e-mailed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import get_for_user
from caseloads import report_selectors
from caseloads.permissions import can_write_student, caseload_group_ids
from caseloads.report_forms import ReportBatchForm
from caseloads.report_models import ReportBatch
from caseloads.report_permissions import can_make_reports, can_report_on_batch, report_years
from caseloads.services import reports as services
from caseloads.views.common import organisation_for
from core.forms import apply_validation_error
from organisations.vocabulary import vocabulary_for
from people.models import Group, Pupil

# The ZIP itself is read only to download it: the pages see its size.
BATCHES = (
    ReportBatch.objects.select_related("organisation", "group", "pal", "requested_by")
    .defer("archive")
    .annotate(zip_bytes=Length("archive"))
)


def _reportable_groups(user: Any, organisation: Any) -> Any:
    """The groups the user may report on in the school: every group (a senior leader), their years' (a head of
    year), their caseload's (a PAL)."""
    groups = Group.objects.filter(organisation=organisation)
    years = report_years(user, organisation.pk)
    if years is None:
        return groups
    return groups.filter(Q(pk__in=caseload_group_ids(user, organisation.pk)) | Q(year_group__in=years))


@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    """Start a batch of termly reports; the user's recent batches below."""
    organisation = organisation_for(request, can_make_reports)
    years = report_years(request.user, organisation.pk)
    vocabulary = vocabulary_for(organisation)
    year_choices = [
        (y, vocabulary.year_label(y))
        for y in (
            years
            if years is not None
            else sorted(
                set(Pupil.objects.filter(organisation=organisation).values_list("year_group", flat=True))
                - {None}
            )
        )
    ]
    has_caseload = bool(caseload_group_ids(request.user, organisation.pk))
    title, start, end = report_selectors.term_for(organisation)
    form = ReportBatchForm(
        request.POST or None,
        groups=_reportable_groups(request.user, organisation),
        years=year_choices,
        has_caseload=has_caseload,
        initial={
            "scope": "caseload" if has_caseload else "group",
            "title": title,
            "starts_on": start,
            "ends_on": end,
            "delivery": "download",
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            batch = services.report_batch_start(
                actor=request.user,
                organisation=organisation,
                scope=d["scope"],
                group=d.get("group"),
                pal=request.user if d["scope"] == "caseload" else None,
                year_group=d.get("year_group"),
                title=d["title"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                delivery=d["delivery"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "The reports are being generated.")
            return redirect("caseloads:report_batch", pk=batch.pk)
    recent = BATCHES.filter(organisation=organisation, requested_by_id=request.user.pk)[:20]
    return render(request, "caseloads/reports/index.html", {"form": form, "batches": recent})


def _batch(request: HttpRequest, pk: int) -> ReportBatch:
    return get_for_user(request.user, BATCHES, can_report_on_batch, pk=pk)


@require_GET
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch's progress while it runs, then who failed, who had no contact to send to, and the ZIP."""
    return render(
        request,
        "caseloads/reports/batch.html",
        {"batch": _batch(request, pk), "zip_days": services.REPORT_ZIP_DAYS},
    )


@require_GET
def batch_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled every second by htmx; once finished, the page reloads to show the outcome."""
    obj = _batch(request, pk)
    response = render(request, "caseloads/reports/_progress.html", {"batch": obj})
    if not obj.is_busy and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


@require_GET
def batch_download(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_for_user(request.user, ReportBatch.objects.all(), can_report_on_batch, pk=pk)
    if obj.status != ReportBatch.Status.DONE or not obj.archive:
        raise Http404("These reports have no ZIP to download.")
    response = HttpResponse(services.report_batch_download(actor=request.user, batch=obj), "application/zip")
    response["Content-Disposition"] = f'attachment; filename="reports-{obj.pk}.zip"'
    return response


@require_GET
def student_report(request: HttpRequest, pk: int) -> HttpResponse:
    """One student's termly report as a PDF, for those who may write about the student (audited)."""
    pupil = get_for_user(request.user, Pupil.objects.select_related("organisation"), can_write_student, pk=pk)
    title, start, end = report_selectors.term_for(pupil.organisation)
    start = parse_date(request.GET.get("start", "")) or start
    end = parse_date(request.GET.get("end", "")) or end
    if end < start:
        start, end = end, start
    pdf = services.report_print(actor=request.user, pupil=pupil, title=title, start=start, end=end)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{services.report_filename(pupil, title)}"'
    return response
