"""Attendance screens: one thin view each; rules live in selectors.py and services.py."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import can_view_pupil, get_for_user, has_role
from access.roles import Role
from attendance import selectors, services
from attendance.codes import CODES, TUTOR_CODES, present_code
from attendance.forms import (
    AmendForm,
    ContactLogForm,
    EscalateForm,
    FiguresForm,
    ImportForm,
    LessonRegisterChoiceForm,
    LetterForm,
    LetterTemplateForm,
    ResolveNForm,
    SettingsForm,
    StageForm,
    StageRuleForm,
    parse_date,
)
from attendance.models import (
    AttendanceMark,
    AttendanceSettings,
    ContactLog,
    EscalationStage,
    LetterTemplate,
    MarkAmendment,
    PupilEscalation,
    Session,
)
from audit.services import record_event
from organisations import calendar
from pastoral.exports import export_response
from people.models import Group, Pupil


def _organisation(request: HttpRequest, check=None) -> Any:
    """The organisation the user is working in; 403 if `check(user, organisation)` refuses."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not organisation.is_school_like:
        raise PermissionDenied("Choose a school first.")
    if check is not None and not check(request.user, organisation):
        raise PermissionDenied("You do not have permission to do this.")
    return organisation


def _office(user: Any, organisation: Any) -> bool:
    return selectors.is_office(user, organisation.pk)


def _date_session(request: HttpRequest) -> tuple[datetime.date, str]:
    date = parse_date(request.GET.get("date"), timezone.localdate())
    session = request.GET.get("session") or selectors.current_session()
    if session not in Session.values:
        session = Session.AM
    return date, session


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


# --- Registers --------------------------------------------------------------------------------


@require_GET
def my_registers(request: HttpRequest) -> HttpResponse:
    """The registers this person takes on a day (today unless `?date=`), taken or not; none on a day off."""
    today = timezone.localdate()
    date = parse_date(request.GET.get("date"), today)
    groups = list(selectors.tutor_groups_for(request.user))
    return render(
        request,
        "attendance/my_registers.html",
        {
            **selectors.group_registers(groups, date),
            "has_groups": bool(groups),
            "date": date,
            "is_today": date == today,
            "is_future": date > today,
        },
    )


def _posted_pupil_ids(request: HttpRequest) -> list[int]:
    """The pupils a register form posted a code for (`code-<pupil id>`); the service checks they belong."""
    return [int(key[5:]) for key in request.POST if key.startswith("code-") and key[5:].isdigit()]


def _posted_rows(request: HttpRequest) -> dict[int, dict[str, str]]:
    """What the form posted for each pupil row, to show again when the save is refused."""
    return {
        pid: {"code": request.POST.get(f"code-{pid}", ""), "late": request.POST.get(f"late-{pid}", "")}
        for pid in _posted_pupil_ids(request)
    }


def _entries_from_post(request: HttpRequest) -> tuple[dict[int, services.Entry], dict[int, str]]:
    entries, errors = {}, {}
    for pid in _posted_pupil_ids(request):
        code = request.POST.get(f"code-{pid}", "").strip()
        late = request.POST.get(f"late-{pid}", "").strip()
        original = request.POST.get(f"orig-{pid}")
        if not code:
            continue
        minutes = None
        if late:
            if late.isdigit() and 0 < int(late) <= 300:
                minutes = int(late)
            else:
                errors[pid] = "Minutes late must be a whole number from 1 to 300."
                continue
        if code not in CODES:
            errors[pid] = "Choose a national code."
            continue
        if code == "L" and not minutes:
            errors[pid] = "L (late) needs the minutes late."
            continue
        entries[pid] = services.Entry(code=code, minutes_late=minutes, original=original)
    return entries, errors


@require_http_methods(["GET", "POST"])
def take_register(request: HttpRequest, group_pk: int) -> HttpResponse:
    """The keyboard-driven register: a key per code, all present then adjust."""
    group = get_for_user(
        request.user,
        Group.objects.select_related("organisation__attendance_settings"),
        selectors.can_take_register,
        pk=group_pk,
    )
    date, session = _date_session(request)
    if date > timezone.localdate():
        raise Http404("Registers cannot be taken for future days.")
    errors: dict[int, str] = {}
    form_error = ""
    posted: dict[int, dict[str, str]] = {}
    all_present = False
    if request.method == "POST":
        action = request.POST.get("action", "save")
        entries, errors = _entries_from_post(request)
        posted = _posted_rows(request)
        if action == "all_present":  # the no-JavaScript way to fill the blanks
            all_present = True
        elif not errors:
            try:
                result = services.save_register(
                    actor=request.user,
                    group=group,
                    date=date,
                    session=session,
                    entries=entries,
                    reason=request.POST.get("reason", ""),
                    shown=set(_posted_pupil_ids(request)),
                )
            except ValidationError as exc:
                form_error = " ".join(exc.messages)
            else:
                text = f"{group.name} {Session(session).label.lower()} register saved: {result.created} new, {result.amended} changed."
                if request.htmx and result.in_sync:  # type: ignore[attr-defined]
                    return _register_saved(group, date, session, result.register, text)
                if result.late_to_u:
                    text += f" {len(result.late_to_u)} late after the register closed recorded as U."
                if result.conflicts:
                    messages.warning(
                        request,
                        f"{len(result.conflicts)} mark(s) were changed by someone else meanwhile and were "
                        "not overwritten: check them below.",
                    )
                messages.success(request, text)
                if not request.htmx:  # type: ignore[attr-defined]
                    url = (
                        reverse("attendance:register", args=[group.pk])
                        + f"?date={date:%Y-%m-%d}&session={session}"
                    )
                    return redirect(url)
                posted = {}
        if errors and not form_error:
            form_error = "Some marks need attention: nothing was saved."
    rows = selectors.register_rows(group, date, session)
    closed = selectors.is_register_closed(group.organisation, date, session)
    present = present_code(session)
    for row in rows:
        pid = row["pupil"].pk
        mark = row["mark"]
        row["original"] = mark.code if mark else ""
        row["value"] = posted.get(pid, {}).get("code", mark.code if mark else "")
        row["late"] = posted.get(pid, {}).get("late", (mark.minutes_late or "") if mark else "")
        if all_present and not row["value"]:
            row["value"] = present
        row["error"] = errors.get(pid, "")
    register = (
        selectors.Register.objects.filter(group=group, date=date, session=session, lesson="")
        .select_related("taken_by")
        .first()
    )
    context = {
        "group": group,
        "date": date,
        "session": session,
        "session_label": Session(session).label,
        "rows": rows,
        "codes": [CODES[c] for c in TUTOR_CODES],
        "present": present,
        "closed": closed,
        "closes_at": selectors.register_closes(group.organisation, date, session),
        "register": register,
        "form_error": form_error,
        "reason": request.POST.get("reason", "") if request.method == "POST" else "",
    }
    template = "attendance/_register_form.html" if request.htmx else "attendance/register.html"  # type: ignore[attr-defined]
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


def _register_saved(
    group: Group, date: datetime.date, session: str, register: Any, text: str
) -> HttpResponse:
    """The answer to an htmx save that left the register exactly as the page shows it: only the status line
    and the message, swapped in place of the old status (`HX-Retarget`), and a `register-saved` event that
    tells register.js to take the saved codes as the page's new starting point. Anything else (a conflict,
    L recorded as U, someone else's mark, a pupil joining) re-renders the whole register instead.

    The fragment needs no request context (no form, no navigation), and its message goes straight into it
    rather than through the session, so the busiest request of the day writes nothing but the register.
    """
    closed = selectors.is_register_closed(group.organisation, date, session)
    closes_at = f"{timezone.localtime(selectors.register_closes(group.organisation, date, session)):%H:%M}"
    if register is not None and register.is_taken:
        taken_by = register.taken_by.full_name if register.taken_by_id else ""
        taken = format_html(
            '<span class="tag tag--ok">Taken</span> by {} at {}',
            taken_by or "—",
            f"{timezone.localtime(register.taken_at):%H:%M}",
        )
    else:
        taken = mark_safe('<span class="tag tag--warn">Not taken yet</span>')  # noqa: S308 constant
    until = (
        f"Closed at {closes_at}: a late arrival is now recorded as U, and changes need a reason."
        if closed
        else f"Open until {closes_at}."
    )
    # The markup of attendance/_register_status.html with a message and no form error, written here: the
    # busiest request of the day renders no template.
    html = format_html(
        '<div id="register-status">\n<div class="messages" role="status"><p class="message message--success">'
        "{}</p></div>\n<p>{}\n  · {}</p>\n\n</div>\n",
        text,
        taken,
        until,
    )
    response = HttpResponse(html)
    response["HX-Retarget"] = "#register-status"
    response["HX-Reswap"] = "outerHTML"
    response["HX-Trigger"] = "register-saved"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def not_taken(request: HttpRequest) -> HttpResponse:
    """Registers not yet taken for a session, with the tutor responsible for each; none on a day off."""
    organisation = _organisation(request, _office)
    date, session = _date_session(request)
    rows = selectors.registers_not_taken(organisation, date, session)
    return render(
        request,
        "attendance/not_taken.html",
        {
            "rows": rows,
            "day_off": calendar.day_off(organisation, date),
            "is_today": date == timezone.localdate(),
            "date": date,
            "session": session,
            "session_label": Session(session).label,
            "closes_at": selectors.register_closes(organisation, date, session),
            "sessions": Session.choices,
        },
    )


# --- N queue, first-day calls -----------------------------------------------------------------


@require_GET
def n_queue(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request, _office)
    overdue = selectors.n_queue(organisation)
    page = Paginator(overdue, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/n_queue.html",
        {
            "page_obj": page,
            "open_count": selectors.unresolved_n(organisation).count(),
            "days": selectors.N_QUEUE_SCHOOL_DAYS,
            "querystring_prefix": "",
        },
    )


@require_http_methods(["GET", "POST"])
def resolve_n(request: HttpRequest, pk: int) -> HttpResponse:
    mark = get_for_user(
        request.user,
        AttendanceMark.objects.select_related("pupil"),
        lambda u, m: selectors.is_office(u, m.organisation_id),
        pk=pk,
    )
    if mark.code != "N":
        messages.info(request, "That mark has already been resolved.")
        return redirect("attendance:n_queue")
    form = ResolveNForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.resolve_n(
            actor=request.user, mark=mark, code=form.cleaned_data["code"], reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            f"{mark.pupil.display_name}'s {mark.date:%-d %b} {mark.session} mark is now {form.cleaned_data['code']}.",
        )
        return redirect("attendance:n_queue")
    return render(request, "attendance/resolve_n.html", {"form": form, "mark": mark})


@require_GET
def first_day_calls(request: HttpRequest) -> HttpResponse:
    """Today's absences with no reason: who to call first."""
    organisation = _organisation(request, _office)
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
    pupil = _pupil(request, pk)
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
            "can_amend": selectors.is_office(request.user, pupil.organisation_id),
            "can_follow_up": selectors.can_follow_up(request.user, pupil),
            "querystring_prefix": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}&",
        },
    )


@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk, lambda u, p: selectors.is_office(u, p.organisation_id))
    form = AmendForm(
        request.POST or None, initial={"date": request.GET.get("date"), "session": request.GET.get("session")}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.amend_mark(
                actor=request.user,
                pupil=pupil,
                date=d["date"],
                session=d["session"],
                code=d["code"],
                minutes_late=d["minutes_late"],
                reason=d["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"The {d['date']:%-d %b} {d['session']} mark is now {d['code']}; the original is kept.",
            )
            return redirect("attendance:pupil", pk=pupil.pk)
    return render(request, "attendance/amend.html", {"form": form, "pupil": pupil})


@require_http_methods(["GET", "POST"])
def log_contact(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk, selectors.can_follow_up)
    form = ContactLogForm(request.POST or None, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_contact(actor=request.user, pupil=pupil, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The contact is logged.")
            return redirect("attendance:pupil", pk=pupil.pk)
    return render(request, "attendance/contact_form.html", {"form": form, "pupil": pupil})


@require_http_methods(["GET", "POST"])
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """A letter from one of the school's templates, as a PDF; logged as a letter contact."""
    pupil = _pupil(request, pk, selectors.can_follow_up)
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
    pupil = _pupil(request, pk, selectors.can_follow_up)
    form = EscalateForm(request.POST or None, organisation=pupil.organisation)
    if request.method == "POST" and form.is_valid():
        services.escalate(
            actor=request.user, pupil=pupil, stage=form.cleaned_data["stage"], note=form.cleaned_data["note"]
        )
        messages.success(request, f"{pupil.display_name} is at stage {form.cleaned_data['stage']}.")
        return redirect("attendance:pupil", pk=pupil.pk)
    return render(request, "attendance/escalate.html", {"form": form, "pupil": pupil})


# --- Figures ----------------------------------------------------------------------------------


PAGE_SIZE = 50


def _figures_scope(request: HttpRequest) -> tuple[Any, FiguresForm, datetime.date, datetime.date]:
    organisation = _organisation(request, selectors.can_see_figures)
    scope = selectors.scope_for(organisation)
    form = FiguresForm(request.GET or None, organisation_ids=scope.organisation_ids)
    today = timezone.localdate()
    start, end = selectors.academic_year_start(today), today
    if form.is_valid():
        d = form.cleaned_data
        start, end = d["start"] or start, d["end"] or end
        if d.get("school"):
            scope.school = d["school"]
            scope.organisation_ids = [d["school"].pk]
        scope.site_id = d["site"].pk if d["site"] else None
        scope.year_group = d["year"]
        scope.group = d.get("group")
    return scope, form, start, end


def _export_rows(rows: list[dict[str, Any]]):
    for r in rows:
        p = r["pupil"]
        yield [
            p.display_name,
            p.upn,
            p.year_label,
            p.organisation.name,
            r["possible"],
            r["attended"],
            r["authorised"],
            r["unauthorised"],
            round(r["attendance_rate"] * 100, 1),
            round(r["absence_rate"] * 100, 1),
            "yes" if r["is_persistent"] else "no",
            "yes" if r["is_severe"] else "no",
        ]


EXPORT_HEADER = [
    "Pupil",
    "UPN",
    "Year",
    "School",
    "Possible sessions",
    "Attended",
    "Authorised absence",
    "Unauthorised absence",
    "Attendance %",
    "Absence %",
    "Persistent",
    "Severe",
]


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Figures for the school (or group of schools), a site, a year or a group over any dates."""
    scope, form, start, end = _figures_scope(request)
    split = selectors.split_range(scope, start, end)  # asked once for the rows and the trend
    rows = selectors.scope_per_pupil(scope, start, end, split=split)
    totals = selectors.totals_of(rows)
    trend = selectors.scope_trend(scope, start, end, split=split)
    persistent = sum(1 for r in rows if r["is_persistent"])
    severe = sum(1 for r in rows if r["is_severe"])
    chart = {
        "labels": [f"{w['week']:%-d %b}" for w in trend],
        "attendance": [round((w["attendance_rate"] or 0) * 100, 1) for w in trend],
        "absence": [round((w["absence_rate"] or 0) * 100, 1) for w in trend],
    }
    worst = selectors.attach_pupils(rows[:20])
    return render(
        request,
        "attendance/dashboard.html",
        {
            "scope": scope,
            "form": form,
            "start": start,
            "end": end,
            "totals": totals,
            "attendance_pct": _pct(totals["attendance_rate"]),
            "absence_pct": _pct(totals["absence_rate"]),
            "authorised_pct": _pct(totals["authorised"] / totals["possible"] if totals["possible"] else None),
            "unauthorised_pct": _pct(
                totals["unauthorised"] / totals["possible"] if totals["possible"] else None
            ),
            "pupil_count": len(rows),
            "persistent": persistent,
            "severe": severe,
            "trend": trend,
            "chart": chart,
            "worst": worst,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def absence_list(request: HttpRequest) -> HttpResponse:
    """Persistent (≥ 10%) or severe (≥ 50%) absence across the scope; exportable."""
    scope, form, start, end = _figures_scope(request)
    level = "severe" if request.GET.get("level") == "severe" else "persistent"
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        rows = selectors.scope_per_pupil(scope, start, end, threshold=level)
        record_event(
            action="export",
            actor=request.user,
            organisation_id=scope.organisation.pk,
            object_type="attendance.AttendanceMark",
            note=f"{level} absence list, {len(rows)} pupils, {start}–{end}",
        )
        return export_response(
            fmt,
            f"{level}-absence-{start:%Y%m%d}-{end:%Y%m%d}",
            EXPORT_HEADER,
            _export_rows(selectors.attach_pupils(rows)),
            title=f"{level.title()} absence",
        )
    # The database sorts and pages; the paginator only needs the count (a range stands in for the rows).
    asked = request.GET.get("page", "1")
    number = int(asked) if asked.isdigit() and int(asked) > 0 else 1
    rows, count = selectors.scope_per_pupil_page(
        scope, start, end, threshold=level, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    page = Paginator(range(count), PAGE_SIZE).get_page(number)
    if page.number != number:  # past the last page: show the last one
        rows, count = selectors.scope_per_pupil_page(
            scope, start, end, threshold=level, offset=(page.number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
    page.object_list = selectors.attach_pupils(rows)  # type: ignore[assignment]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "attendance/absence_list.html",
        {
            "scope": scope,
            "form": form,
            "start": start,
            "end": end,
            "level": level,
            "page_obj": page,
            "count": count,
            "query": params.urlencode(),
            "querystring_prefix": params.urlencode() + "&",
        },
    )


# --- Import, settings -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_marks(request: HttpRequest) -> HttpResponse:
    """Upload a file of marks: the MIS import checks it in the background and previews it before importing."""
    from attendance.imports import MARKS
    from mis_import.models import ImportJob
    from mis_import.selectors import visible_import_jobs
    from mis_import.services import job_create

    organisation = _organisation(request, _office)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        filename, content = form.cleaned_data["file"]
        job = job_create(
            organisation=organisation,
            user=request.user,
            kind=ImportJob.Kind.MARKS,
            filename=filename,
            encoding=form.cleaned_data["encoding"],
            content=content,
        )
        return redirect("mis_import:job_detail", pk=job.pk)
    jobs = visible_import_jobs(request.user).filter(organisation=organisation, kind=ImportJob.Kind.MARKS)
    return render(request, "attendance/import.html", {"form": form, "jobs": jobs[:10], "kind": MARKS})


@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    """Register times, escalation stages and letter templates for the school."""
    organisation = _organisation(request, _office)
    instance = AttendanceSettings.objects.filter(organisation=organisation).first() or AttendanceSettings(
        organisation=organisation
    )
    which = request.POST.get("form") if request.method == "POST" else None
    settings_form = SettingsForm(request.POST if which == "settings" else None, instance=instance, prefix="s")
    stage_form = StageForm(request.POST if which == "stage" else None, organisation=organisation, prefix="st")
    template_form = LetterTemplateForm(request.POST if which == "template" else None, prefix="t")
    for form, name in ((settings_form, "settings"), (stage_form, "stage"), (template_form, "template")):
        if which == name and form.is_valid():
            obj = form.save(commit=False)
            obj.organisation = organisation
            obj.save()
            messages.success(request, "Saved.")
            return redirect("attendance:settings")
    return render(
        request,
        "attendance/settings.html",
        {
            "settings_form": settings_form,
            "stage_form": stage_form,
            "template_form": template_form,
            "stages": EscalationStage.objects.filter(organisation=organisation).select_related(
                "letter_template"
            ),
            "templates": LetterTemplate.objects.filter(organisation=organisation),
            "closes_am": instance.closes_at("AM"),
            "closes_pm": instance.closes_at("PM"),
        },
    )


# --- Pastoral & Attendance Lead ---------------------------------------------------------------


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
    for r in data["at_risk"]:
        r["absence_pct"] = _pct(r["absence_rate"])
    return render(request, "attendance/pal.html", {**data, "today": today})


# --- Lesson registers ---------------------------------------------------------------------------


def _lesson_url(group: Group, date: datetime.date, session: str, lesson: str) -> str:
    from urllib.parse import urlencode

    query = urlencode({"date": f"{date:%Y-%m-%d}", "session": session, "lesson": lesson})
    return reverse("attendance:lesson_register", args=[group.pk]) + "?" + query


@require_GET
def lesson_registers(request: HttpRequest) -> HttpResponse:
    """Open a lesson register (group, date, session, lesson); today's lesson registers already taken."""
    organisation = _organisation(request)
    groups = selectors.lesson_register_groups(request.user, organisation)
    if not _office(request.user, organisation) and not groups.exists():
        raise PermissionDenied("Lesson registers are taken by a group's tutor or teacher, or the office.")
    today = timezone.localdate()
    form = LessonRegisterChoiceForm(
        request.GET if "lesson" in request.GET else None,
        groups=groups,
        initial={"date": today, "session": selectors.current_session()},
    )
    if form.is_valid():
        d = form.cleaned_data
        return redirect(_lesson_url(d["group"], d["date"], d["session"], d["lesson"]))
    return render(
        request,
        "attendance/lesson_registers.html",
        {"form": form, "taken": selectors.lesson_registers_on(groups, today), "today": today},
    )


@require_http_methods(["GET", "POST"])
def take_lesson_register(request: HttpRequest, group_pk: int) -> HttpResponse:
    """The keyboard register for one lesson: same keys as the session register; internal monitoring only."""
    group = get_for_user(
        request.user,
        Group.objects.select_related("organisation"),
        selectors.can_take_lesson_register,
        pk=group_pk,
    )
    date, session = _date_session(request)
    lesson = " ".join(request.GET.get("lesson", "").split())
    if date > timezone.localdate():
        raise Http404("Lesson registers cannot be taken for future days.")
    if not lesson or len(lesson) > services.LESSON_NAME_MAX:
        messages.error(request, "Choose the lesson or period (at most 60 characters) to open its register.")
        return redirect("attendance:lessons")
    register, rows = selectors.lesson_register_rows(group, date, session, lesson)
    errors: dict[int, str] = {}
    form_error = ""
    posted: dict[int, dict[str, str]] = {}
    all_present = False
    url = _lesson_url(group, date, session, lesson)
    if request.method == "POST":
        entries, errors = _entries_from_post(request)
        posted = _posted_rows(request)
        if request.POST.get("action") == "all_present":
            all_present = True
        elif not errors:
            try:
                result = services.save_lesson_register(
                    actor=request.user,
                    group=group,
                    date=date,
                    session=session,
                    lesson=lesson,
                    entries=entries,
                    reason=request.POST.get("reason", ""),
                )
            except ValidationError as exc:
                form_error = " ".join(exc.messages)
            else:
                if result.conflicts:
                    messages.warning(
                        request,
                        f"{len(result.conflicts)} mark(s) were changed by someone else meanwhile and were "
                        "not overwritten: check them below.",
                    )
                messages.success(
                    request,
                    f"{group.name} {lesson} register saved: {result.created} new, {result.changed} changed.",
                )
                if not request.htmx:  # type: ignore[attr-defined]
                    return redirect(url)
                register, rows = selectors.lesson_register_rows(group, date, session, lesson)
                posted = {}
        if errors and not form_error:
            form_error = "Some marks need attention: nothing was saved."
    present = present_code(session)
    for row in rows:
        pid, mark = row["pupil"].pk, row["mark"]
        row["original"] = mark.code if mark else ""
        row["value"] = posted.get(pid, {}).get("code", mark.code if mark else "")
        row["late"] = posted.get(pid, {}).get("late", (mark.minutes_late or "") if mark else "")
        if all_present and not row["value"]:
            row["value"] = present
        row["error"] = errors.get(pid, "")
    context = {
        "group": group,
        "date": date,
        "session": session,
        "session_label": Session(session).label,
        "lesson": lesson,
        "rows": rows,
        "codes": [CODES[c] for c in TUTOR_CODES],
        "present": present,
        "register": register,
        "form_url": url,
        "form_error": form_error,
        "reason": request.POST.get("reason", "") if request.method == "POST" else "",
    }
    template = (
        "attendance/_lesson_register_form.html"
        if request.htmx  # type: ignore[attr-defined]
        else "attendance/lesson_register.html"
    )
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def truancy(request: HttpRequest) -> HttpResponse:
    """Post-registration truancy: present at the session register, absent from a lesson the same session."""
    organisation = _organisation(request, _office)
    date = parse_date(request.GET.get("date"), timezone.localdate())
    rows = selectors.post_registration_truancy(organisation, date)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    response = render(
        request,
        "attendance/truancy.html",
        {"page_obj": page, "date": date, "querystring_prefix": f"date={date:%Y-%m-%d}&"},
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Escalation due -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def escalations_due(request: HttpRequest) -> HttpResponse:
    """Pupils who meet their next stage's entry rule; the office confirms and records them in one go."""
    organisation = _organisation(request, _office)
    today = timezone.localdate()
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("pupil") if v.isdigit()]
        if not chosen:
            messages.error(request, "Choose at least one pupil to record.")
        else:
            created = services.record_due_escalations(
                actor=request.user, organisation=organisation, pupil_ids=chosen, today=today
            )
            skipped = len(set(chosen)) - len(created)
            text = f"{len(created)} escalation stage(s) recorded."
            if skipped:
                text += f" {skipped} pupil(s) were no longer due and were left as they were."
            messages.success(request, text)
            request.session["attendance_escalated"] = [e.pk for e in created]
            return redirect("attendance:escalations_due")
    due = selectors.escalations_due(organisation, today)
    just_recorded = PupilEscalation.objects.filter(
        organisation=organisation, pk__in=request.session.pop("attendance_escalated", [])
    ).select_related("pupil", "stage", "stage__letter_template")
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/escalations_due.html",
        {
            "page_obj": page,
            "count": len(due),
            "recorded": just_recorded,
            "automatic": selectors.settings_for(organisation).escalate_automatically,
            "has_rules": EscalationStage.objects.filter(
                organisation=organisation, threshold_percent__isnull=False
            ).exists(),
            "querystring_prefix": "",
        },
    )


@require_http_methods(["GET", "POST"])
def edit_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a stage's entry rule, name or letter."""
    stage = get_for_user(
        request.user, EscalationStage, lambda u, s: selectors.is_office(u, s.organisation_id), pk=pk
    )
    form = StageRuleForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Stage {stage} saved.")
        return redirect("attendance:settings")
    return render(request, "attendance/stage_form.html", {"form": form, "stage": stage})
