"""Register screens: my registers, the keyboard-driven register and its save, registers not taken."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import admit, reachable_organisation_ids
from attendance import permissions, selectors, services
from attendance.codes import CODES, present_code, register_codes
from attendance.forms import (
    parse_date,
)
from attendance.models import (
    Session,
)
from attendance.views.common import _date_session, _office, _organisation, _per_school
from organisations import calendar
from people.models import Group

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


class _Posted:
    """What a register form posted, read in one pass over the fields: each pupil row's code (`code-<pupil id>`),
    minutes late and the code the page showed; the service checks the pupils belong."""

    def __init__(self, request: HttpRequest) -> None:
        self.codes: dict[int, str] = {}
        self.lates: dict[int, str] = {}
        self.origs: dict[int, str] = {}
        fields = {"code": self.codes, "late": self.lates, "orig": self.origs}
        for key, values in request.POST.lists():
            prefix, _, pid = key.partition("-")
            into = fields.get(prefix)
            if into is not None and pid.isdigit():
                into[int(pid)] = values[-1] if values else ""

    def pupil_ids(self) -> list[int]:
        """The pupils the form posted a code for, in the form's order."""
        return list(self.codes)

    def rows(self) -> dict[int, dict[str, str]]:
        """What the form posted for each pupil row, to show again when the save is refused."""
        return {pid: {"code": code, "late": self.lates.get(pid, "")} for pid, code in self.codes.items()}

    def entries(self) -> tuple[dict[int, services.Entry], dict[int, str]]:
        """The marks to save by pupil, and the rows refused with why."""
        entries, errors = {}, {}
        for pid, posted_code in self.codes.items():
            code = posted_code.strip()
            late = self.lates.get(pid, "").strip()
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
            entries[pid] = services.Entry(code=code, minutes_late=minutes, original=self.origs.get(pid))
        return entries, errors


@require_http_methods(["GET", "POST"])
def take_register(request: HttpRequest, group_pk: int) -> HttpResponse:
    """The keyboard-driven register: a key per code, all present then adjust."""
    # get_for_user's rules (404 outside the user's reach, 403 unless they take this register), the group, its
    # school and its register times read in one plain statement: every save starts here.
    found = selectors.register_group(group_pk, reachable_organisation_ids(request.user))
    group = admit(request.user, found, Group, permissions.can_take_register, pk=group_pk)
    date, session = _date_session(request, group.organisation)
    if date > timezone.localdate():
        raise Http404("Registers cannot be taken for future days.")
    if request.method != "POST":
        return _render_register(request, group, date, session)
    form = _Posted(request)
    entries, errors = form.entries()
    if request.POST.get("action", "save") == "all_present":  # the no-JavaScript way to fill the blanks
        return _render_register(
            request, group, date, session, errors=errors, posted=form.rows(), all_present=True
        )
    if errors:
        return _render_register(request, group, date, session, errors=errors, posted=form.rows())
    try:
        result = services.save_register(
            actor=request.user,
            group=group,
            date=date,
            session=session,
            entries=entries,
            reason=request.POST.get("reason", ""),
            shown=set(form.pupil_ids()),
        )
    except ValidationError as exc:
        return _render_register(
            request, group, date, session, form_error=" ".join(exc.messages), posted=form.rows()
        )
    return _register_saved_answer(request, group, date, session, result)


def _saved_text(group: Group, session: str, result: services.RegisterResult) -> str:
    """What a save says: what it wrote and, while pupils on the register have no mark, that it is not complete."""
    text = (
        f"{group.name} {Session(session).label.lower()} register saved: "
        f"{result.created} new, {result.amended} changed."
    )
    if result.unmarked:  # saved as they go, but the register is not done until every pupil has a mark
        text += (
            f" {result.pupils - result.unmarked} marked, {result.unmarked} still to mark — "
            "the register is not complete."
        )
    return text


def _register_saved_answer(
    request: HttpRequest, group: Group, date: datetime.date, session: str, result: services.RegisterResult
) -> HttpResponse:
    """After a save: for htmx with the page still in step, the status line alone (`_register_saved`); otherwise
    the message (and any conflicts) through the session, then the register again: without JavaScript by a
    redirect to it, for htmx re-rendered as saved."""
    text = _saved_text(group, session, result)
    if request.htmx and result.in_sync:  # type: ignore[attr-defined]
        return _register_saved(result, text)
    if result.late_to_u:
        text += f" {len(result.late_to_u)} late after the register closed recorded as U."
    if result.conflicts:
        messages.warning(
            request,
            f"{len(result.conflicts)} mark(s) were changed by someone else meanwhile and were "
            "not overwritten: check them below.",
        )
    (messages.warning if result.unmarked else messages.success)(request, text)
    if request.htmx:  # type: ignore[attr-defined]
        return _render_register(request, group, date, session)
    url = reverse("attendance:register", args=[group.pk]) + f"?date={date:%Y-%m-%d}&session={session}"
    return redirect(url)


def _render_register(
    request: HttpRequest,
    group: Group,
    date: datetime.date,
    session: str,
    *,
    errors: dict[int, str] | None = None,
    form_error: str = "",
    posted: dict[int, dict[str, str]] | None = None,
    all_present: bool = False,
) -> HttpResponse:
    """The register page (or, for htmx, its form): every pupil with their saved or just-posted mark (`posted`,
    with `errors` by pupil; blanks filled with the present code for `all_present`). A row refused in `errors`
    means nothing was saved: the form says so unless `form_error` says why already."""
    errors = errors or {}
    posted = posted or {}
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
        "codes": [CODES[c] for c in register_codes(session)],
        "present": present,
        "closed": closed,
        "closes_at": selectors.register_closes(group.organisation, date, session),
        "register": register,
        "pupils": len(rows),
        "unmarked": sum(1 for row in rows if row["mark"] is None),
        "form_error": form_error,
        "reason": request.POST.get("reason", "") if request.method == "POST" else "",
    }
    template = "attendance/_register_form.html" if request.htmx else "attendance/register.html"  # type: ignore[attr-defined]
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


def _register_saved(result: services.RegisterResult, text: str) -> HttpResponse:
    """The answer to an htmx save that left the register exactly as the page shows it: only the status line
    and the message, swapped in place of the old status (`HX-Retarget`), and a `register-saved` event that
    tells register.js to take the saved codes as the page's new starting point. Anything else (a conflict,
    L recorded as U, someone else's mark, a pupil joining) re-renders the whole register instead.

    The fragment needs no request context (no form, no navigation), and its message goes straight into it
    rather than through the session, so the busiest request of the day writes nothing but the register. Whether
    the register has closed, and when it closes, are as the save saw them.
    """
    register, closed = result.register, result.closed
    closes_at = f"{timezone.localtime(result.closes_at):%H:%M}"
    if register is not None and register.is_taken:
        taken_by = register.taken_by.full_name if register.taken_by_id and register.taken_by else ""
        at = f"{timezone.localtime(register.taken_at):%H:%M}"
        if result.unmarked:
            taken = format_html(
                '<span class="tag tag--warn">Incomplete</span> {} of {} still to mark · first saved by {} at {}',
                result.unmarked,
                result.pupils,
                taken_by or "—",
                at,
            )
        else:
            taken = format_html('<span class="tag tag--ok">Taken</span> by {} at {}', taken_by or "—", at)
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
        '<div id="register-status">\n<div class="messages" role="status"><p class="message message--{}">'
        "{}</p></div>\n<p>{}\n  · {}</p>\n\n</div>\n",
        "warning" if result.unmarked else "success",
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
    """Registers not yet taken for a session, or saved with pupils still unmarked, with the tutor responsible for
    each; none on a day off. A group of schools has none of its own: the page says to switch to a school."""
    organisation = _organisation(request, _office)
    per_school = _per_school(request, organisation, title="Registers not taken", what="Registers not taken")
    if per_school is not None:
        return per_school
    date, session = _date_session(request, organisation)
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
