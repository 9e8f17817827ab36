"""Progress against target: per student, and per group, course, year or school with the trend over points."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import get_for_user, visible_groups, visible_pupils
from achievement import selectors
from achievement.forms import ImportForm
from achievement.permissions import can_import_achievement, can_see_progress, can_view_progress
from people.models import GroupMembership, Pupil


def _organisation(request: HttpRequest) -> Any:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise PermissionDenied("Choose a school first.")
    return organisation


@require_GET
def pupil(request: HttpRequest, pk: int) -> HttpResponse:
    """One student's target and working-at grade per course at every assessment point, and initial assessment."""
    found = get_for_user(request.user, Pupil, can_view_progress, pk=pk)
    return render(request, "achievement/pupil.html", {"pupil": found, **selectors.pupil_progress(found)})


def _scope(request: HttpRequest, organisation: Any) -> tuple[Any, dict[str, Any]]:
    """The visible pupils narrowed by the filters (year, group, course), and what was chosen."""
    pupils = visible_pupils(request.user).filter(organisation=organisation, left_on__isnull=True)
    chosen: dict[str, Any] = {"year": None, "group": None, "course": None}
    year = request.GET.get("year", "")
    if year.isdigit():
        chosen["year"] = int(year)
        pupils = pupils.filter(year_group=int(year))
    group_id = request.GET.get("group", "")
    if group_id.isdigit():
        group = visible_groups(request.user).filter(organisation=organisation, pk=int(group_id)).first()
        if group is None:
            raise Http404("No such group.")
        chosen["group"] = group
        pupils = pupils.filter(
            pk__in=GroupMembership.objects.current().filter(group=group).values("pupil_id")
        )
    course_id = request.GET.get("course", "")
    if course_id.isdigit():
        course = selectors.courses_for([organisation.pk]).filter(pk=int(course_id)).first()
        if course is None:
            raise Http404("No such course.")
        chosen["course"] = course
    return pupils, chosen


@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """Progress against target for the pupils the user may see, filtered by year, group and course."""
    organisation = _organisation(request)
    if not can_see_progress(request.user, organisation.pk):
        raise PermissionDenied("Progress pages are for staff who work with pupils.")
    pupils, chosen = _scope(request, organisation)
    trend = selectors.scope_trend([organisation.pk], pupils, chosen["course"])
    students = selectors.scope_students([organisation.pk], pupils, chosen["course"])
    page = Paginator(students, 50).get_page(request.GET.get("page"))
    years = sorted(
        set(
            visible_pupils(request.user)
            .filter(organisation=organisation)
            .values_list("year_group", flat=True)
        )
    )
    from core.naturalsort import natural_sorted

    context = {
        "trend": trend,
        "page_obj": page,
        "chosen": chosen,
        "years": years,
        "groups": natural_sorted(
            visible_groups(request.user).filter(organisation=organisation), key=lambda g: g.name
        ),
        "courses": selectors.courses_for([organisation.pk]),
        "chart": {
            "labels": [t["name"] for t in trend],
            "share": [round(100 * t["share"], 1) if t["share"] is not None else None for t in trend],
        },
        "can_import": can_import_achievement(request.user, organisation),
    }
    return render(request, "achievement/progress.html", context)


@require_http_methods(["GET", "POST"])
def import_results(request: HttpRequest) -> HttpResponse:
    """Upload grades or initial assessments: the MIS import checks and previews the file before importing it."""
    from achievement.imports import GRADES, INITIAL
    from mis_import.selectors import visible_import_jobs
    from mis_import.services import job_create

    organisation = _organisation(request)
    if not can_import_achievement(request.user, organisation):
        raise PermissionDenied("The school administrator or a senior leader imports achievement data.")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        filename, content = form.cleaned_data["file"]
        job = job_create(
            organisation=organisation,
            user=request.user,
            kind=form.cleaned_data["kind"],
            filename=filename,
            encoding=form.cleaned_data["encoding"],
            content=content,
        )
        return redirect("mis_import:job_detail", pk=job.pk)
    jobs = visible_import_jobs(request.user).filter(organisation=organisation, kind__in=["grades", "initial"])
    return render(
        request, "achievement/import.html", {"form": form, "jobs": jobs[:10], "kinds": [GRADES, INITIAL]}
    )
