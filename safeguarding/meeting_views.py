"""Safety-net meetings: the list and scheduling, the agenda built for the day with minutes per student, actions
carried from earlier meetings, attendance, and the minutes as PDF. Every page is a read of safeguarding records:
audited, and behind the step-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import get_for_user
from audit.models import AuditEvent
from audit.services import record_event, record_read, record_reads
from core.forms import saved_by
from organisations.models import Term
from safeguarding import permissions, stepup
from safeguarding.forms import ActionDoneForm, AttendanceForm, MeetingActionForm, MeetingForm, MinuteForm
from safeguarding.models import MeetingAction, SafetyNetMeeting
from safeguarding.selectors import meetings as selectors
from safeguarding.selectors.pupils import load_tutor_groups
from safeguarding.services import meetings as services


def _can(user: Any, meeting: SafetyNetMeeting) -> bool:
    return permissions.is_dsl_team(user, meeting.organisation_id)


def _meeting(request: HttpRequest, pk: int) -> SafetyNetMeeting:
    return get_for_user(request.user, SafetyNetMeeting.objects.select_related("organisation"), _can, pk=pk)


@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest) -> HttpResponse:
    """The safety-net meetings, newest first, and a form to schedule one (or the term's two)."""
    organisation = request.organisation  # type: ignore[attr-defined]  # set by the middleware
    if organisation is None or not permissions.is_dsl_team(request.user, organisation.pk):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, organisation_id=organisation.pk)

    def schedule(data: dict[str, Any]) -> Any:
        twice = data.pop("twice")
        if not twice:
            return [services.meeting_schedule(actor=request.user, organisation=organisation, **data)]
        term = Term.objects.filter(
            organisation=organisation, starts_on__lte=data["on"], ends_on__gte=data["on"]
        ).first()
        if term is None:
            raise ValidationError({"on": "No term of this school includes that date."})
        data.pop("on")
        return services.meetings_for_term(
            actor=request.user,
            organisation=organisation,
            starts_on=term.starts_on,
            ends_on=term.ends_on,
            **data,
        )

    saved = saved_by(request, form, schedule)
    if saved is not None:
        messages.success(request, "Scheduled: " + ", ".join(f"{m.on:%a %d %b %Y}" for m in saved) + ".")
        return redirect("safeguarding:meetings")
    rows = selectors.visible_meetings(request.user).filter(organisation=organisation)[:200]
    return render(request, "safeguarding/meetings.html", {"meetings": rows, "form": form})


def _context(request: HttpRequest, meeting: SafetyNetMeeting) -> dict[str, Any]:
    rows = selectors.agenda(meeting, request.user)
    minutes = meeting.minutes.select_related("pupil", "recorded_by")
    by_pupil: dict[int, list[Any]] = {}
    for minute in minutes:
        by_pupil.setdefault(minute.pupil_id, []).append(minute)
    for row in rows:
        row.minutes = by_pupil.get(row.pupil.pk, [])  # type: ignore[attr-defined]
    carried = list(selectors.carried_actions(meeting, timezone.localdate()))
    actions = list(meeting.actions.select_related("owner", "pupil", "done"))
    # Two students of the same name are told apart by year and tutor group on the meeting's day.
    load_tutor_groups([r.pupil for r in rows] + [a.pupil for a in carried + actions], meeting.on)
    record_reads(
        actor=request.user, objs=[r.pupil for r in rows], note="safeguarding: on a safety-net agenda"
    )
    record_read(actor=request.user, obj=meeting, note="safeguarding: safety-net meeting")
    return {
        "meeting": meeting,
        "agenda": rows,
        # The most concerning first; the others behind a disclosure on the same page (not another page), so a
        # minute typed for one of them is not lost by moving between pages.
        "agenda_first": rows[: selectors.AGENDA_FIRST],
        "agenda_rest": rows[selectors.AGENDA_FIRST :],
        "carried": carried,
        "actions": actions,
        "attendance": meeting.attendance.all(),
        "previous": selectors.previous_meeting(meeting),
    }


def _page(request: HttpRequest, meeting: SafetyNetMeeting, status: int = 200, **forms: Any) -> HttpResponse:
    context = _context(request, meeting)
    context["attendance_form"] = forms.get("attendance_form") or AttendanceForm()
    context["action_form"] = forms.get("action_form") or MeetingActionForm(
        organisation_id=meeting.organisation_id
    )
    context["minute_form"] = minute_form = forms.get("minute_form")
    if minute_form is not None:
        # A refused minute about one of the others: show them, so the student it was about stays in view.
        about = str(minute_form.data.get("pupil", ""))
        context["rest_open"] = any(str(r.pupil.pk) == about for r in context["agenda_rest"])
    context["done_form"] = ActionDoneForm()
    return render(request, "safeguarding/meeting.html", context, status=status)


@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    return _page(request, meeting)


@require_GET
def meeting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as a PDF."""
    from weasyprint import HTML

    meeting = _meeting(request, pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    html = render_to_string("safeguarding/meeting_pdf.html", _context(request, meeting), request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    record_event(
        action=AuditEvent.Action.EXPORT, actor=request.user, obj=meeting, note="safety-net minutes PDF"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="safety-net-{meeting.pk}.pdf"'
    return response


def _pupil(request: HttpRequest, meeting: SafetyNetMeeting, pupil_pk: Any) -> Any:
    if not pupil_pk:
        return None
    found = selectors.area_pupils(meeting, request.user).filter(pk=pupil_pk).first()
    if found is None:
        raise ValidationError("That student is not in this meeting's area.")
    return found


@require_POST
def meeting_write(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Record attendance, a minute about a student, or an action."""
    meeting = _meeting(request, pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    write: Callable[[Any], Any]
    if what == "attendance":
        form: Any = AttendanceForm(request.POST)
        write = lambda d: services.attendance_record(actor=request.user, meeting=meeting, **d)  # noqa: E731
    elif what == "minute":
        form = MinuteForm(request.POST)
        write = lambda d: services.minute_add(  # noqa: E731
            actor=request.user, meeting=meeting, pupil=_pupil(request, meeting, d["pupil"]), text=d["text"]
        )
    else:
        form = MeetingActionForm(request.POST, organisation_id=meeting.organisation_id)
        write = lambda d: services.meeting_action_add(  # noqa: E731
            actor=request.user, meeting=meeting, **{**d, "pupil": _pupil(request, meeting, d.get("pupil"))}
        )
    if saved_by(request, form, write) is not None:
        messages.success(request, "Recorded.")
        url = reverse("safeguarding:meeting", args=[meeting.pk])
        # Back to the student the minute was about (opening the "other students" disclosure if they are there).
        return redirect(f"{url}#sg-p{form.cleaned_data['pupil']}" if what == "minute" else url)
    return _page(request, meeting, status=400, **{f"{what}_form": form})


@require_POST
def meeting_action_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a meeting's action as done (from the meeting it is carried to, or its own)."""
    qs = MeetingAction.objects.select_related("meeting", "pupil")
    action = get_for_user(request.user, qs, lambda user, a: _can(user, a.meeting), pk=pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    form = ActionDoneForm(request.POST)
    target = request.POST.get("meeting") or action.meeting_id
    if saved_by(
        request, form, lambda d: services.meeting_action_done(actor=request.user, action=action, **d)
    ):
        messages.success(request, "Action recorded as done.")
    else:
        messages.error(request, "Give the date it was done and what came of it.")
    meeting = _meeting(request, int(target))
    return redirect("safeguarding:meeting", pk=meeting.pk)
