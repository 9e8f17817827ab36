"""The tutorial programme and group sessions: plan, record delivered (who attended, prefilled), cancel; the
entitlement per group; the PAL's iCal feed."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import get_for_user
from caseloads import selectors, services
from caseloads.forms import RecordForm, SessionForm, TopicForm
from caseloads.models import GroupSession, SessionAttendance, Term, Topic
from caseloads.permissions import (
    can_assign,
    can_read_group,
    can_read_session,
    can_run_group,
    can_run_session,
    visible_groups_q,
    visible_sessions,
)
from caseloads.views.caseload import caseload_groups
from caseloads.views.common import organisation_for
from core.forms import apply_validation_error
from core.ical import CalendarEvent, calendar_bytes
from core.naturalsort import natural_sorted
from people.models import Group

SESSIONS = GroupSession.objects.select_related("group", "topic", "lead", "organisation")


@require_http_methods(["GET", "POST"])
def programme(request: HttpRequest) -> HttpResponse:
    """The school's tutorial programme for this year: topics per term; senior leaders add and remove them."""
    organisation = organisation_for(request, can_assign)
    year = services.academic_year_for(timezone.localdate())
    form = TopicForm(request.POST or None, instance=Topic(organisation=organisation, academic_year=year))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.topic_create(
            actor=request.user,
            organisation=organisation,
            academic_year=year,
            term=d["term"],
            title=d["title"],
            year_group=d["year_group"],
            description=d["description"],
        )
        messages.success(request, f"{d['title']} is in the programme.")
        return redirect("caseloads:programme")
    topics = Topic.objects.filter(organisation=organisation, academic_year=year)
    terms = [
        {"label": label, "topics": [t for t in topics if t.term == value]} for value, label in Term.choices
    ]
    return render(
        request,
        "caseloads/programme.html",
        {"form": form, "terms": terms, "year": year, "rules": services.settings_for(organisation)},
    )


@require_http_methods(["GET", "POST"])
def topic_delete(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_for_user(request.user, Topic, lambda u, t: can_assign(u, t.organisation), pk=pk)
    if request.method == "POST":
        services.topic_delete(actor=request.user, topic=topic)
        messages.success(request, f"{topic.title} is out of the programme.")
        return redirect("caseloads:programme")
    return render(
        request,
        "caseloads/confirm.html",
        {
            "title": f"Remove {topic.title} from the programme?",
            "body": "Sessions planned on this topic keep their date; they lose the topic.",
            "button": "Remove the topic",
            "cancel_url": reverse("caseloads:programme"),
        },
    )


@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    """Planned, delivered, missed and the entitlement gap for each group the user runs sessions for."""
    groups = caseload_groups(request.user)
    if not groups:
        groups = natural_sorted(
            Group.objects.filter(visible_groups_q(request.user)).select_related("organisation"),
            key=lambda g: g.name,
        )
    if not groups:
        raise PermissionDenied("No groups to show.")
    return render(request, "caseloads/sessions.html", {"rows": selectors.entitlement(groups)})


@require_GET
def group(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_for_user(request.user, Group.objects.select_related("organisation"), can_read_group, pk=pk)
    today = timezone.localdate()
    year = services.academic_year_for(today)
    rows = GroupSession.objects.filter(organisation=group.organisation, group=group, academic_year=year)
    return render(
        request,
        "caseloads/group.html",
        {
            "group": group,
            "sessions": rows.select_related("topic"),
            "today": today,
            "figures": selectors.entitlement([group], today)[0],
            "can_run": can_run_group(request.user, group),
            "completion": selectors.completion(
                selectors.current_window(group.organisation, today), [group], today
            ),
            "students": selectors.group_students(group, today),
        },
    )


def _session_values(form: SessionForm) -> dict[str, Any]:
    d = form.cleaned_data
    return {k: d[k] for k in ("date", "starts_at", "ends_at", "room", "topic")}


@require_http_methods(["GET", "POST"])
def session_plan(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_for_user(request.user, Group.objects.select_related("organisation"), can_run_group, pk=pk)
    form = SessionForm(
        request.POST or None,
        organisation=group.organisation,
        initial={
            "date": timezone.localdate(),
            "starts_at": datetime.time(9, 0),
            "ends_at": datetime.time(10, 0),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_plan(actor=request.user, group=group, **_session_values(form))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Session planned for {session.date:%-d %B}.")
            return redirect("caseloads:group", pk=group.pk)
    return render(
        request,
        "caseloads/form_page.html",
        {
            "form": form,
            "title": f"Plan a group session for {group.name}",
            "button": "Plan the session",
            "cancel_url": reverse("caseloads:group", args=[group.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """One session: its details, who attended once delivered; rescheduling while it is planned."""
    obj = get_for_user(request.user, SESSIONS, can_read_session, pk=pk)
    can_run = can_run_session(request.user, obj)
    form = None
    if can_run and obj.status == GroupSession.Status.PLANNED:
        initial = {k: getattr(obj, k) for k in ("date", "starts_at", "ends_at", "room", "topic")}
        form = SessionForm(request.POST or None, organisation=obj.organisation, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.session_update(actor=request.user, session=obj, **_session_values(form))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, "Session rescheduled.")
                return redirect("caseloads:session", pk=obj.pk)
    elif request.method == "POST":
        raise PermissionDenied("This session cannot be changed.")
    attendance = SessionAttendance.objects.filter(session=obj).select_related("pupil")
    return render(
        request,
        "caseloads/session.html",
        {
            "session": obj,
            "form": form,
            "can_run": can_run,
            "attendance": attendance,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def session_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a session delivered: every member of the group ticked as attending to begin with."""
    obj = get_for_user(request.user, SESSIONS, can_run_session, pk=pk)
    pupils = selectors.group_students(obj.group, obj.date)
    form = RecordForm(
        request.POST or None, pupils=pupils, initial={"notes": obj.notes, "resources": obj.resources}
    )
    if obj.status == GroupSession.Status.DELIVERED and request.method == "GET":
        form.fields["attended"].initial = [
            str(p)
            for p in SessionAttendance.objects.filter(session=obj, attended=True).values_list(
                "pupil_id", flat=True
            )
        ]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.session_record(
                actor=request.user,
                session=obj,
                attended_ids={int(x) for x in d["attended"]},
                member_ids=[p.pk for p in pupils],
                notes=d["notes"],
                resources=d["resources"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{obj.group.name}'s session on {obj.date:%-d %B} is recorded.")
            return redirect("caseloads:group", pk=obj.group_id)
    ticked = set(form["attended"].value() or [])
    return render(
        request,
        "caseloads/session_record.html",
        {
            "session": obj,
            "form": form,
            "rows": [(p, str(p.pk) in ticked) for p in pupils],
        },
    )


@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_for_user(request.user, SESSIONS, can_run_session, pk=pk)
    if request.method == "POST":
        try:
            services.session_cancel(actor=request.user, session=obj)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Session cancelled.")
        return redirect("caseloads:group", pk=obj.group_id)
    return render(
        request,
        "caseloads/confirm.html",
        {
            "title": f"Cancel {obj.group.name}'s session on {obj.date:%-d %B %Y}?",
            "body": "A cancelled session counts neither as planned nor as delivered.",
            "button": "Cancel the session",
            "cancel_url": reverse("caseloads:session", args=[obj.pk]),
        },
    )


@require_GET
def ical(request: HttpRequest) -> HttpResponse:
    """The signed-in PAL's planned and delivered sessions as an iCalendar file."""
    groups = caseload_groups(request.user)
    if not groups:
        raise PermissionDenied("No caseload.")
    since = timezone.localdate() - datetime.timedelta(days=60)
    rows = (
        visible_sessions(request.user)
        .filter(organisation_id__in={g.organisation_id for g in groups}, group__in=groups, date__gte=since)
        .select_related("group", "topic")
    )
    tz = timezone.get_current_timezone()
    events = [
        CalendarEvent(
            uid=f"group-session-{s.pk}@pastoral",
            starts_at=datetime.datetime.combine(s.date, s.starts_at, tzinfo=tz),
            ends_at=datetime.datetime.combine(s.date, s.ends_at, tzinfo=tz),
            summary=f"{s.group.name} group session" + (f": {s.topic.title}" if s.topic else ""),
            location=s.room,
            url=request.build_absolute_uri(reverse("caseloads:session", args=[s.pk])),
            cancelled=s.status == GroupSession.Status.CANCELLED,
        )
        for s in rows
    ]
    response = HttpResponse(calendar_bytes(events, name="Group sessions"), content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="group-sessions.ics"'
    return response
