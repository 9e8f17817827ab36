from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import can_import, get_for_user
from mis_import import services
from mis_import.columns import KINDS
from mis_import.forms import CommitForm, KindUploadForm, UploadForm
from mis_import.models import ImportJob
from mis_import.permissions import can_import_kind, can_manage_import
from mis_import.registry import REGISTERED
from mis_import.selectors import importable_kinds, visible_import_jobs


def _organisation_for_import(request: HttpRequest):  # type: ignore[no-untyped-def]
    organisation = getattr(request, "organisation", None)
    if organisation is None or not can_import(request.user, organisation):
        raise PermissionDenied("Only the school administrator runs MIS imports.")
    return organisation


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Upload a file from the MIS, and the list of past imports."""
    organisation = _organisation_for_import(request)
    kinds = importable_kinds(request.user, organisation)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        filename, content = form.cleaned_data["file"]
        job = services.job_create(
            organisation=organisation,
            user=request.user,
            kind=form.cleaned_data["kind"],
            filename=filename,
            encoding=form.cleaned_data["encoding"],
            content=content,
            is_whole_file=form.cleaned_data["is_whole_file"],
        )
        return redirect("mis_import:job_detail", pk=job.pk)
    jobs = visible_import_jobs(request.user).filter(organisation=organisation)
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "mis_import/index.html",
        {"form": form, "page_obj": page, "kinds": kinds, "organisation": organisation},
    )


@require_http_methods(["GET", "POST"])
def kind_upload(request: HttpRequest, kind: str) -> HttpResponse:
    """The upload page of a registered kind (attendance marks), for those its registration names: upload a file,
    then the job page checks and previews it. The registering app routes it (`attendance:import`)."""
    registered = REGISTERED[kind]
    organisation = getattr(request, "organisation", None)
    if organisation is None or not organisation.is_school_like:
        raise PermissionDenied("Choose a school first.")
    if not can_import_kind(request.user, organisation, kind):
        raise PermissionDenied("You do not have permission to do this.")
    form = KindUploadForm(request.POST or None, request.FILES or None, file_help=registered.file_help)
    if request.method == "POST" and form.is_valid():
        filename, content = form.cleaned_data["file"]
        job = services.job_create(
            organisation=organisation,
            user=request.user,
            kind=kind,
            filename=filename,
            encoding=form.cleaned_data["encoding"],
            content=content,
        )
        return redirect("mis_import:job_detail", pk=job.pk)
    jobs = visible_import_jobs(request.user).filter(organisation=organisation, kind=kind)
    return render(
        request,
        "mis_import/kind_upload.html",
        {"form": form, "jobs": jobs[:10], "kind": registered.kind, "registered": registered},
    )


def back_to_upload(kind: str) -> dict[str, str]:
    """The page a kind's files are uploaded from: the MIS import, or the registering app's own page."""
    registered = REGISTERED.get(kind)
    if registered is None:
        return {"upload_url": reverse("mis_import:index"), "upload_label": "MIS import"}
    return {"upload_url": reverse(registered.upload_url), "upload_label": registered.upload_label}


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_for_user(
        request.user,
        ImportJob.objects.defer("content").select_related("organisation", "uploaded_by"),
        can_manage_import,
        pk=pk,
    )


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while the file is checked, then the preview: counts and every row-level error."""
    job = _job(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "mis_import/job_detail.html",
        {
            "job": job,
            "kind": KINDS[job.kind],
            "commit_form": CommitForm(today=today, initial={"ends_on": today}),
            **back_to_upload(job.kind),
        },
    )


@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled every second by htmx; once checked, the page reloads to show the preview."""
    job = _job(request, pk)
    response = render(request, "mis_import/_progress.html", {"job": job})
    if not job.is_busy and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


@require_POST
def job_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Start importing every row, in one transaction in the background; the job page follows it."""
    job = _job(request, pk)
    form = CommitForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                # Iterating an ErrorList yields text; its stubs also allow a ValidationError, hence str().
                messages.error(request, str(error))
        return redirect("mis_import:job_detail", pk=job.pk)
    try:
        services.job_import_start(
            job=job,
            actor=request.user,
            end_missing=form.cleaned_data["end_missing"],
            ends_on=form.cleaned_data["ends_on"],
        )
    except services.ImportRefused as refused:
        messages.error(request, str(refused))
    return redirect("mis_import:job_detail", pk=job.pk)
