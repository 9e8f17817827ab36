"""The caseload pages: assigning groups to PALs, the PAL's caseload home, and the PAL's register powers and
figures for their caseload (amend a mark with a reason, resolve an N, figures and exports)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods

from access.models import RoleAssignment
from access.permissions import get_for_user
from access.roles import Role
from attendance import selectors as attendance
from attendance.forms import amend_posted, resolve_n_posted
from attendance.models import AttendanceMark
from audit.services import record_event
from caseloads import selectors, services
from caseloads.forms import AssignForm, SettingsForm
from caseloads.permissions import (
    can_act_on_caseload_pupil,
    can_assign,
    can_see_statistics,
    caseload_group_ids,
    is_pal,
)
from caseloads.report_permissions import can_make_reports
from caseloads.views.common import organisation_for
from core.exports import export_response
from core.forms import apply_validation_error
from core.naturalsort import natural_sorted
from people.models import Group, GroupMembership, Pupil


def caseload_groups(user: Any) -> list[Group]:
    return natural_sorted(
        Group.objects.filter(pk__in=caseload_group_ids(user)).select_related("organisation"),
        key=lambda g: g.name,
    )


@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    """The school's PALs with their groups and counts (warning outside the band) and a form to assign a group."""
    organisation = organisation_for(request, can_assign)
    form = AssignForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.caseload_assign(
                actor=request.user,
                organisation=organisation,
                pal=form.cleaned_data["pal"],
                group=form.cleaned_data["group"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['group'].name} is on the caseload.")
            return redirect("caseloads:assign")
    return render(
        request,
        "caseloads/assign.html",
        {
            "form": form,
            "pals": selectors.pal_assignments(organisation),
            "rules": services.settings_for(organisation),
            "unassigned": selectors.unassigned_groups(organisation),
            # Links only to the pages this person may open (an administrator assigns but does not report).
            "may_see_statistics": can_see_statistics(request.user, organisation),
            "may_make_reports": can_make_reports(request.user, organisation),
        },
    )


@require_http_methods(["GET", "POST"])
def unassign(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a group off a PAL's caseload, after a confirmation."""
    assignment = get_for_user(
        request.user,
        RoleAssignment.objects.current()
        .filter(role=Role.PAL, group__isnull=False)
        .select_related("group", "user"),
        lambda u, a: can_assign(u, a.organisation),
        pk=pk,
    )
    if request.method == "POST":
        services.caseload_unassign(actor=request.user, assignment=assignment)
        messages.success(request, f"{assignment.group} is off {assignment.user.full_name}'s caseload.")
        return redirect("caseloads:assign")
    return render(request, "caseloads/unassign.html", {"assignment": assignment})


@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    organisation = organisation_for(request, can_assign)
    form = SettingsForm(request.POST or None, instance=services.settings_for(organisation))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.settings_save(actor=request.user, organisation=organisation, **d)
        messages.success(request, "Caseload settings saved.")
        return redirect("caseloads:settings")
    return render(
        request,
        "caseloads/form_page.html",
        {"form": form, "title": "Caseload band and entitlement", "button": "Save settings"},
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The PAL's caseload: today's attendance, LPRs due and overdue, next sessions, follow-ups, risk, gaps."""
    if not is_pal(request.user):
        raise PermissionDenied("This page is a Pastoral & Attendance Lead's caseload.")
    now = timezone.now()
    today = timezone.localdate(now)
    groups = caseload_groups(request.user)
    member_map = selectors.members([g.pk for g in groups], today)  # read once, used by every panel
    status = selectors.reviews_status(groups, today, member_map)
    gaps = [r for r in selectors.entitlement(groups, today) if r["gap"] or r["missed"]]
    pupil_ids = [p for ids in member_map.values() for p in ids]
    open_n = AttendanceMark.objects.filter(
        organisation_id__in={g.organisation_id for g in groups}, pupil_id__in=pupil_ids, code="N"
    ).count()
    at_risk = selectors.high_risk(groups, today, member_map)
    registers, _ = attendance.caseload_registers(request.user, today, groups) if groups else ([], set())
    return render(
        request,
        "caseloads/home.html",
        {
            "groups": groups,
            "today_rows": attendance.registers_to_check(registers),
            "status": status,
            "completion": selectors.completion(status["window"], groups, today),
            "next_sessions": selectors.next_sessions(groups, now, limit=5),
            "to_record": selectors.to_record(groups, now),
            "open_n": open_n,
            "at_risk": at_risk,
            "gaps": gaps,
            "today": today,
        },
    )


def _caseload_pupil(request: HttpRequest, pk: int) -> Pupil:
    return get_for_user(
        request.user, Pupil.objects.select_related("organisation"), can_act_on_caseload_pupil, pk=pk
    )


@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    """A PAL amends a caseload student's mark with a reason, the original kept, as the office does
    (`attendance.forms.amend_posted`)."""
    pupil = _caseload_pupil(request, pk)
    form = amend_posted(
        request, pupil, said=lambda mark: f"The {mark.date:%-d %b} {mark.session} mark is now {mark.code}."
    )
    if form is None:
        return redirect("attendance:pupil", pk=pupil.pk)
    return render(request, "caseloads/amend.html", {"form": form, "pupil": pupil})


@require_GET
def n_marks(request: HttpRequest) -> HttpResponse:
    """The caseload's unexplained absences (N) to resolve, oldest first."""
    groups = caseload_groups(request.user)
    if not groups:
        raise PermissionDenied("No caseload.")
    pupil_ids = [p for ids in selectors.members([g.pk for g in groups]).values() for p in ids]
    marks = (
        AttendanceMark.objects.filter(
            organisation_id__in={g.organisation_id for g in groups}, pupil_id__in=pupil_ids, code="N"
        )
        .select_related("pupil")
        .order_by("date", "session")
    )
    return render(
        request,
        "caseloads/n_marks.html",
        {"page_obj": Paginator(marks, 50).get_page(request.GET.get("page")), "querystring_prefix": ""},
    )


@require_http_methods(["GET", "POST"])
def resolve_n(request: HttpRequest, pk: int) -> HttpResponse:
    """A PAL resolves a caseload student's N mark, as the office does (`attendance.forms.resolve_n_posted`)."""
    mark = get_for_user(
        request.user,
        AttendanceMark.objects.select_related("pupil"),
        lambda u, m: can_act_on_caseload_pupil(u, m.pupil),
        pk=pk,
    )
    form = resolve_n_posted(request, mark, said=lambda code: f"{mark.pupil.display_name}'s N is now {code}.")
    if form is None:
        return redirect("caseloads:n_marks")
    return render(request, "caseloads/resolve_n.html", {"form": form, "mark": mark})


EXPORT_HEADER = [
    "Student",
    "Group",
    "Possible sessions",
    "Attended",
    "Authorised absence",
    "Unauthorised absence",
    "Attendance %",
    "Persistent",
    "Severe",
]


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """Attendance figures for the caseload (per group, and per student worst first), exportable as CSV or XLSX."""
    groups = caseload_groups(request.user)
    if not groups:
        raise PermissionDenied("No caseload.")
    today = timezone.localdate()
    start = parse_date(request.GET.get("start") or "") or attendance.academic_year_start(today)
    end = parse_date(request.GET.get("end") or "") or today
    if start > end:
        start, end = end, start
    rows, totals = _figure_rows(groups, start, end)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        students = _student_rows(groups, start, end)
        record_event(
            action="export",
            actor=request.user,
            organisation_id=groups[0].organisation_id,
            object_type="attendance.AttendanceMark",
            note=f"caseload attendance, {len(students)} students, {start}–{end}",
        )
        return export_response(
            fmt,
            f"caseload-attendance-{start:%Y%m%d}-{end:%Y%m%d}",
            EXPORT_HEADER,
            students,
            title="Caseload attendance",
        )
    return render(
        request,
        "caseloads/figures.html",
        {
            "rows": rows,
            "totals": totals,
            "start": start,
            "end": end,
            "query": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
        },
    )


def _marks(group_ids: list[int], org_ids: set[int], start: datetime.date, end: datetime.date) -> Any:
    pupils = GroupMembership.objects.current().filter(group_id__in=group_ids).values("pupil_id")
    return AttendanceMark.objects.filter(
        organisation_id__in=org_ids, pupil_id__in=pupils, date__gte=start, date__lte=end
    )


def _figure_rows(groups: list[Group], start: datetime.date, end: datetime.date) -> tuple[list[Any], Any]:
    org_ids = {g.organisation_id for g in groups}
    rows = [{"group": g, **attendance.summarise(_marks([g.pk], org_ids, start, end))} for g in groups]
    totals = attendance.summarise(_marks([g.pk for g in groups], org_ids, start, end))
    return rows, totals


def _student_rows(groups: list[Group], start: datetime.date, end: datetime.date) -> list[list[Any]]:
    org_ids = {g.organisation_id for g in groups}
    group_of = {pid: g.name for g in groups for pid in selectors.members([g.pk]).get(g.pk, [])}
    rows = attendance.attach_pupils(attendance.per_pupil(_marks([g.pk for g in groups], org_ids, start, end)))
    return [
        [
            r["pupil"].display_name,
            group_of.get(r["pupil"].pk, ""),
            r["possible"],
            r["present"] + r["attending"],
            r["authorised"],
            r["unauthorised"],
            round(r["attendance_rate"] * 100, 1) if r["attendance_rate"] is not None else "",
            "yes" if r["is_persistent"] else "no",
            "yes" if r["is_severe"] else "no",
        ]
        for r in rows
    ]
