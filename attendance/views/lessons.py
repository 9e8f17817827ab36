"""Lesson register screens (internal monitoring; never part of the statutory figures)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import get_for_user
from attendance import permissions, selectors, services
from attendance.codes import CODES, present_code, register_codes
from attendance.forms import (
    LessonRegisterChoiceForm,
    parse_date,
)
from attendance.models import (
    Session,
)
from attendance.views.common import _date_session, _office, _organisation
from attendance.views.registers import _Posted
from people.models import Group

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
        group_label=selectors.group_choice_label(groups),
        initial={"date": today, "session": selectors.current_session(organisation)},
    )
    if form.is_valid():
        d = form.cleaned_data
        return redirect(_lesson_url(d["group"], d["date"], d["session"], d["lesson"]))
    taken = selectors.lesson_registers_taken(groups, today)
    return render(
        request,
        "attendance/lesson_registers.html",
        {
            "form": form,
            "taken": taken,
            "by_place": any(row["place"] for row in taken),  # registers of more than one school or site
            "today": today,
        },
    )


def _place(request: HttpRequest, group: Group) -> str:
    """Where the group is, for the register's heading: its site, and its school when the user works above it (a
    group of schools' leader, whose member colleges each have a "Business L3 Y2 A")."""
    where = [group.site.name] if group.site_id and group.site else []
    if getattr(request, "organisation", None) != group.organisation:
        where.append(group.organisation.name)
    return ", ".join(where)


@require_http_methods(["GET", "POST"])
def take_lesson_register(request: HttpRequest, group_pk: int) -> HttpResponse:
    """The keyboard register for one lesson: same keys as the session register; internal monitoring only."""
    group = get_for_user(
        request.user,
        Group.objects.select_related("organisation", "site"),
        permissions.can_take_lesson_register,
        pk=group_pk,
    )
    date, session = _date_session(request, group.organisation)
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
        form = _Posted(request)
        entries, errors = form.entries()
        posted = form.rows()
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
                _report_saved(request, f"{group.name} {lesson}", result)
                if not request.htmx:  # type: ignore[attr-defined]
                    return redirect(url)
                register, rows = selectors.lesson_register_rows(group, date, session, lesson)
                posted = {}
        if errors and not form_error:
            form_error = "Some marks need attention: nothing was saved."
    present = present_code(session)
    _fill_rows(rows, posted=posted, errors=errors, present=present if all_present else "")
    context = {
        "group": group,
        "place": _place(request, group),
        "date": date,
        "session": session,
        "session_label": Session(session).label,
        "lesson": lesson,
        "rows": rows,
        "codes": [CODES[c] for c in register_codes(session)],
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


def _report_saved(request: HttpRequest, register_name: str, result: Any) -> None:
    """Say what a lesson register's save did, and warn of marks someone else changed meanwhile (kept)."""
    if result.conflicts:
        messages.warning(
            request,
            f"{len(result.conflicts)} mark(s) were changed by someone else meanwhile and were "
            "not overwritten: check them below.",
        )
    messages.success(
        request, f"{register_name} register saved: {result.created} new, {result.changed} changed."
    )


def _fill_rows(
    rows: list[dict[str, Any]], *, posted: dict[int, dict[str, str]], errors: dict[int, str], present: str
) -> None:
    """Each row's mark as saved (its original), as typed (what was posted) and its error; a blank row gets the
    present code when "all present" was asked for (`present` is then that code, else blank)."""
    for row in rows:
        pid, mark = row["pupil"].pk, row["mark"]
        row["original"] = mark.code if mark else ""
        row["value"] = posted.get(pid, {}).get("code", mark.code if mark else "")
        row["late"] = posted.get(pid, {}).get("late", (mark.minutes_late or "") if mark else "")
        if present and not row["value"]:
            row["value"] = present
        row["error"] = errors.get(pid, "")


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
