"""Follow-up screens: the N queue, first-day calls, one pupil's attendance, amendments, contacts, letters, the PAL's caseload."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import can_view_pupil, get_for_user, has_role
from access.roles import Role
from attendance import permissions, selectors, services
from attendance.forms import (
    ContactLogForm,
    EscalateForm,
    LetterForm,
    amend_posted,
    parse_date,
    resolve_n_posted,
)
from attendance.models import (
    AttendanceMark,
    ContactLog,
    MarkAmendment,
    PupilEscalation,
)
from attendance.views.common import _office, _organisation, _pct, _per_school
from core.forms import apply_validation_error
from organisations import calendar
from people.models import Pupil

# --- N queue, first-day calls -----------------------------------------------------------------


@require_GET
def n_queue(request: HttpRequest) -> HttpResponse:
    """The overdue N marks; with `?all=1` every open one, so they can be worked before they are overdue."""
    organisation = _organisation(request, _office)
    per_school = _per_school(request, organisation, title="Unresolved N marks", what="N marks")
    if per_school is not None:
        return per_school
    show_all = request.GET.get("all") == "1"
    cutoff = selectors.n_queue_cutoff(organisation)
    open_marks = selectors.unresolved_n(organisation)
    overdue = open_marks.filter(date__lt=cutoff)
    page = Paginator(open_marks if show_all else overdue, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/n_queue.html",
        {
            "page_obj": page,
            "show_all": show_all,
            "cutoff": cutoff,
            "open_count": open_marks.count(),
            "overdue_count": overdue.count(),
            "days": selectors.N_QUEUE_SCHOOL_DAYS,
            "querystring_prefix": "all=1&" if show_all else "",
        },
    )


@require_http_methods(["GET", "POST"])
def resolve_n(request: HttpRequest, pk: int) -> HttpResponse:
    """The office resolves an N mark of its school from the N queue (`forms.resolve_n_posted`)."""
    mark = get_for_user(
        request.user,
        AttendanceMark.objects.select_related("pupil"),
        lambda u, m: permissions.is_office(u, m.organisation_id),
        pk=pk,
    )
    form = resolve_n_posted(
        request,
        mark,
        said=lambda code: (
            f"{mark.pupil.display_name}'s {mark.date:%-d %b} {mark.session} mark is now {code}."
        ),
    )
    if form is None:
        return redirect("attendance:n_queue")
    return render(request, "attendance/resolve_n.html", {"form": form, "mark": mark})


@require_GET
def first_day_calls(request: HttpRequest) -> HttpResponse:
    """Today's absences with no reason: who to call first."""
    organisation = _organisation(request, _office)
    per_school = _per_school(request, organisation, title="First-day calls", what="First-day calls")
    if per_school is not None:
        return per_school
    date = parse_date(request.GET.get("date"), timezone.localdate())
    return render(
        request,
        "attendance/first_day_calls.html",
        {
            "rows": selectors.first_day_absences(organisation, date),
            "date": date,
            "day_off": calendar.day_off(organisation, date),
            "is_today": date == timezone.localdate(),
        },
    )


# --- Pupil: history, amendments, follow-up ----------------------------------------------------


def _pupil(request: HttpRequest, pk: int, check=can_view_pupil) -> Pupil:
    return get_for_user(request.user, Pupil.objects.select_related("organisation"), check, pk=pk)


def _mark_rows_html(rows: Iterable[selectors.MarkRow]) -> str:
    """The marks table's rows, escaped, built in one pass (a page of 60 rows was 300 template variables)."""
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td><kbd>{}</kbd></td><td>{}</td><td>{}</td></tr>",
        ((m.date_label, m.session, m.code, m.meaning, m.minutes_late or "") for m in rows),
    )


@require_GET
def pupil_history(request: HttpRequest, pk: int) -> HttpResponse:
    """One pupil's marks, figures, amendments, contacts and escalation."""
    # The pupil alone, not joined to its school (the page never shows it): on Citus a one-table statement on
    # the school's shard takes the fast path (no distributed planning), a join does not.
    pupil = get_for_user(request.user, Pupil, can_view_pupil, pk=pk)
    today = timezone.localdate()
    start = parse_date(request.GET.get("start"), selectors.academic_year_start(today))
    end = parse_date(request.GET.get("end"), today)
    marks = selectors.pupil_marks(pupil, start, end)
    summary = selectors.summary_of(marks)
    page = Paginator(marks, 60).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/pupil_history.html",
        {
            "pupil": pupil,
            "start": start,
            "end": end,
            "summary": summary,
            "page_obj": page,
            "mark_rows": _mark_rows_html(page),
            "attendance_pct": _pct(summary["attendance_rate"]),
            "absence_pct": _pct(summary["absence_rate"]),
            "amendments": MarkAmendment.objects.filter(pupil=pupil).select_related("amended_by")[:50],
            "contacts": ContactLog.objects.filter(pupil=pupil).select_related("contact", "recorded_by")[:50],
            "escalations": PupilEscalation.objects.filter(pupil=pupil).select_related("stage"),
            "can_amend": permissions.is_office(request.user, pupil.organisation_id),
            "can_follow_up": permissions.can_follow_up(request.user, pupil),
            "querystring_prefix": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}&",
        },
    )


@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    """The office amends one of its pupil's marks with a reason, the original kept (`forms.amend_posted`)."""
    pupil = _pupil(request, pk, lambda u, p: permissions.is_office(u, p.organisation_id))
    form = amend_posted(
        request,
        pupil,
        said=lambda mark: (
            f"The {mark.date:%-d %b} {mark.session} mark is now {mark.code}; the original is kept."
        ),
    )
    if form is None:
        return redirect("attendance:pupil", pk=pupil.pk)
    return render(request, "attendance/amend.html", {"form": form, "pupil": pupil})


@require_http_methods(["GET", "POST"])
def log_contact(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk, permissions.can_follow_up)
    form = ContactLogForm(request.POST or None, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_contact(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "The contact is logged.")
            return redirect("attendance:pupil", pk=pupil.pk)
    return render(request, "attendance/contact_form.html", {"form": form, "pupil": pupil})


@require_http_methods(["GET", "POST"])
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """A letter from one of the school's templates, as a PDF; logged as a letter contact."""
    pupil = _pupil(request, pk, permissions.can_follow_up)
    today = timezone.localdate()
    form = LetterForm(
        request.POST or None,
        organisation=pupil.organisation,
        initial={
            "start": selectors.academic_year_start(today),
            "end": today,
            "template": request.GET.get("template"),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        pdf = services.letter_pdf(
            actor=request.user,
            template=d["template"],
            pupil=pupil,
            start=d["start"] or selectors.academic_year_start(today),
            end=d["end"] or today,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="attendance-letter-{pupil.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "attendance/letter_form.html", {"form": form, "pupil": pupil})


@require_http_methods(["GET", "POST"])
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk, permissions.can_follow_up)
    form = EscalateForm(request.POST or None, organisation=pupil.organisation)
    if request.method == "POST" and form.is_valid():
        services.escalate(
            actor=request.user, pupil=pupil, stage=form.cleaned_data["stage"], note=form.cleaned_data["note"]
        )
        messages.success(request, f"{pupil.display_name} is at stage {form.cleaned_data['stage']}.")
        return redirect("attendance:pupil", pk=pupil.pk)
    return render(request, "attendance/escalate.html", {"form": form, "pupil": pupil})


# --- Pastoral & Attendance Lead ---------------------------------------------------------------


AT_RISK_PAGE = 50


@require_GET
def pal_view(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, [Role.PAL]):
        raise PermissionDenied("This page is for Pastoral & Attendance Leads.")
    today = timezone.localdate()
    data = selectors.caseload_today(request.user, today) or {
        "rows": [],
        "at_risk": [],
        "calls": [],
        "to_check": [],
    }
    # The caseload's persistent absentees, worst first, a page at a time (a college PAL's 400 students give 100).
    page = Paginator(data["at_risk"], AT_RISK_PAGE).get_page(request.GET.get("page"))
    for r in page:
        r["absence_pct"] = _pct(r["absence_rate"])
    return render(request, "attendance/pal.html", {**data, "page_obj": page, "today": today})
