"""Screens for the catalogue: editions, activities, mentor sessions, clusters, training days, attendance and calendars."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import apply_validation_error
from qualifications import extensions, forms, ical, selectors, services
from qualifications import permissions as perms
from qualifications.models import (
    Activity,
    Cluster,
    Edition,
    Enrolment,
    MentorTrainingSession,
    SessionAttendance,
    TrainingDay,
)
from qualifications.views.shared import (
    form_page,
    managed_cluster,
    managed_edition,
    managed_mentor_session,
    require,
)


@require_GET
def edition_list(request: HttpRequest) -> HttpResponse:
    """The programmes and editions: the published catalogue, and every edition for the provider."""
    require(perms.has_qualification_role(request.user))
    today = timezone.localdate()
    editions = list(selectors.visible_editions(request.user))
    for e in editions:
        e.is_closed = e.is_closed_on(today)  # type: ignore[attr-defined]  # display only
    return render(
        request,
        "qualifications/edition_list.html",
        {
            "editions": editions,
            "is_admin": perms.is_programme_admin(request.user),
        },
    )


@require_GET
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An edition's content (levels, modules, activities), fees and what they include, prerequisites, clusters."""
    edition = perms.fetch(
        request.user,
        Edition.objects.select_related("programme__university_partner", "academic_year", "cloned_from"),
        perms.edition_q(request.user),
        pk=pk,
    )
    levels = edition.levels.prefetch_related("modules__activities")
    today = timezone.localdate()
    clusters = list(selectors.clusters_with_numbers(edition.clusters.all()).prefetch_related("training_days"))
    for c in clusters:
        # Display only: whether the cluster can still be booked today, and the plain warning if it has started.
        check = selectors.check_cluster_open(cluster=c, on=today)
        c.booking_refusal = " ".join(check.errors)  # type: ignore[attr-defined]
        c.booking_warning = " ".join(check.warnings)  # type: ignore[attr-defined]
    return render(
        request,
        "qualifications/edition_detail.html",
        {
            "edition": edition,
            "levels": levels,
            "clusters": clusters,
            "fee_rules": edition.fee_rules.filter(retired_at__isnull=True),
            "is_admin": perms.can_manage_provider_record(request.user, edition),
            "facilitated_ids": selectors.facilitated_cluster_ids(request.user, edition),
            "is_booker": perms.is_booker(request.user),
            "is_closed": edition.is_closed_on(today),
            "mentor_sessions": _mentor_sessions(edition),
        },
    )


def _mentor_sessions(edition: Edition) -> list[MentorTrainingSession]:
    """The edition's mentor training sessions, each with (display only) how many mentors are booked, whether it has
    taken place and why it cannot be removed, if it cannot."""
    now = timezone.now()
    sessions: list[MentorTrainingSession] = list(
        edition.mentor_sessions.annotate(booked=Count("mentor_places"))
    )
    for s in sessions:
        s.is_past = s.starts_at <= now  # type: ignore[attr-defined]
        s.removal_refusal = selectors.mentor_session_removal_refusal(s, booked=s.booked, now=now)  # type: ignore[attr-defined]
    return sessions


@require_http_methods(["GET", "POST"])
def edition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    edition = managed_edition(request, pk)
    form = forms.EditionForm(request.POST or None, instance=edition)
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.edition_update(actor=request.user, edition=edition, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{edition} is saved.")
            return redirect("qualifications:edition_detail", pk=edition.pk)
    return form_page(request, form, f"Edit {edition}", back=edition)


@require_http_methods(["GET", "POST"])
def edition_clone(request: HttpRequest, pk: int) -> HttpResponse:
    """Annual review: copy this edition into a new year, unpublished, to edit before opening it."""
    edition = perms.fetch(
        request.user,
        Edition.objects.select_related("programme", "academic_year"),
        perms.edition_q(request.user),
        perms.can_manage_provider_record,
        pk=pk,
    )
    form = forms.CloneEditionForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.edition_clone(
                actor=request.user, edition=edition, academic_year=form.cleaned_data["academic_year"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{new} is created from {edition}, with the years and dates in its text moved to "
                f"{new.academic_year.name}. Review it, then publish it.",
            )
            return redirect("qualifications:edition_detail", pk=new.pk)
    return render(request, "qualifications/edition_clone.html", {"form": form, "edition": edition})


@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = perms.fetch(
        request.user,
        Activity.objects.select_related("module__edition"),
        perms.activity_q(request.user),
        perms.can_manage_provider_record,
        pk=pk,
    )
    edition = activity.module.edition
    form = forms.ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_update(actor=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Activity {activity.number} is saved.")
            return redirect("qualifications:edition_detail", pk=edition.pk)
    return form_page(request, form, f"Edit activity {activity.number} ({edition})", back=edition)


@require_http_methods(["GET", "POST"])
def mentor_session_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an optional online training session for the edition's mentors; it must start in the future."""
    edition = managed_edition(request, pk)
    now = timezone.now()
    form = forms.MentorSessionForm(request.POST or None, now=now)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_session_create(actor=request.user, edition=edition, now=now, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The mentor training session is added.")
            return redirect("qualifications:edition_detail", pk=edition.pk)
    return form_page(request, form, f"New mentor training session for {edition}", back=edition)


def _session_when(session: MentorTrainingSession) -> str:
    return f"{timezone.localtime(session.starts_at):%A %-d %B %Y, %H:%M}"


@require_http_methods(["GET", "POST"])
def mentor_session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a mentor training session still to come (it must still start in the future)."""
    session = managed_mentor_session(request, pk)
    edition, title = session.edition, f"Change the mentor training session of {_session_when(session)}"
    now = timezone.now()
    if session.starts_at <= now:
        messages.info(request, "That session has taken place and can no longer be changed.")
        return redirect("qualifications:edition_detail", pk=edition.pk)
    form = forms.MentorSessionForm(request.POST or None, instance=session, now=now)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_session_update(actor=request.user, session=session, now=now, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The mentor training session is saved.")
            return redirect("qualifications:edition_detail", pk=edition.pk)
    return form_page(request, form, title, back=edition)


@require_http_methods(["GET", "POST"])
def mentor_session_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a mentor training session after a confirmation page that names the mentors booked on it."""
    session = managed_mentor_session(request, pk)
    back = reverse("qualifications:edition_detail", args=[session.edition_id])
    now = timezone.now()
    places = list(session.mentor_places.select_related("mentor", "participant").order_by("mentor__full_name"))
    refusal = selectors.mentor_session_removal_refusal(session, booked=len(places), now=now)
    if refusal:
        messages.error(
            request, f"The mentor training session of {_session_when(session)} cannot be removed. {refusal}"
        )
        return redirect(back)
    if request.method == "POST":
        try:
            taken_off = services.mentor_session_remove(actor=request.user, session=session, now=now)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        text = f"The mentor training session of {_session_when(session)} is removed."
        if taken_off:
            text += f" {len(taken_off)} mentor{'s were' if len(taken_off) != 1 else ' was'} taken off it."
        messages.success(request, text)
        return redirect(back)
    booked = (
        f"{len(places)} mentor{'s are' if len(places) != 1 else ' is'} booked on it. They will be taken off it and "
        "their page will show no session booked, so that they can choose another; let them know it is cancelled."
        if places
        else "No mentor is booked on it."
    )
    return render(
        request,
        "qualifications/confirm.html",
        {
            "title": f"Remove the mentor training session of {_session_when(session)}?",
            "text": booked,
            "points": [f"{p.mentor.full_name} (mentor of {p.participant.full_name})" for p in places],
            "button": "Remove the session",
            "back": back,
            "back_label": "Go back without removing",
        },
    )


@require_http_methods(["GET", "POST"])
def cluster_create(request: HttpRequest, pk: int) -> HttpResponse:
    edition = managed_edition(request, pk)
    form = forms.ClusterForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            cluster = services.cluster_create(actor=request.user, edition=edition, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)  # the model's errors, each on its field
        else:
            messages.success(request, f"{cluster.name} is created.")
            return redirect("qualifications:cluster_detail", pk=cluster.pk)
    return form_page(request, form, f"New cluster for {edition}", back=edition)


@require_http_methods(["GET", "POST"])
def cluster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a cluster; a larger capacity moves the waiting list up."""
    cluster = managed_cluster(request, pk)
    form = forms.ClusterForm(request.POST or None, cluster=cluster, edition=cluster.edition)
    if request.method == "POST" and form.is_valid():
        try:
            saved, promoted = services.cluster_update(
                actor=request.user, cluster=cluster, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)  # the model's errors, each on its field
            return form_page(request, form, f"Edit {cluster.name}", back_cluster=cluster)
        text = f"{saved.name} is saved."
        if promoted:
            text += (
                " Moved up from the waiting list: "
                + ", ".join(e.participant.full_name for e in promoted)
                + "."
            )
        messages.success(request, text)
        return redirect("qualifications:cluster_detail", pk=cluster.pk)
    return form_page(request, form, f"Edit {cluster.name}", back_cluster=cluster)


@require_GET
def cluster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A cluster for the provider: training days, facilitators, participants and mentors, waiting list."""
    cluster = perms.fetch(
        request.user,
        selectors.clusters_with_numbers(Cluster.objects.all()),
        perms.cluster_q(request.user),
        perms.can_view_cluster_roster,
        pk=pk,
    )
    today = timezone.localdate()
    days = list(cluster.training_days.prefetch_related("modules"))
    enrolments = cluster.enrolments.select_related("participant", "mentor", "organisation").order_by(
        "status", "waitlisted_at", "participant__full_name"
    )
    return render(
        request,
        "qualifications/cluster_detail.html",
        {
            "cluster": cluster,
            "days": days,
            "open_day_ids": {d.pk for d in days if selectors.is_attendance_open(d, on=today)},
            "facilitators": cluster.facilitators.select_related("facilitator", "module"),
            "enrolled": [e for e in enrolments if e.status in selectors.ACTIVE],
            "waiting": [e for e in enrolments if e.status == Enrolment.Status.WAITLISTED],
            "is_admin": perms.can_manage_provider_record(request.user, cluster),
            "ical_url": request.build_absolute_uri(
                reverse("qualifications:ical_cluster", args=[cluster.ical_token])
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def training_day_create(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = managed_cluster(request, pk)
    form = forms.TrainingDayForm(request.POST or None, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        services.training_day_create(actor=request.user, cluster=cluster, **form.cleaned_data)
        messages.success(request, "The training session is added.")
        return redirect("qualifications:cluster_detail", pk=cluster.pk)
    return form_page(request, form, f"New training session for {cluster.name}", back_cluster=cluster)


@require_http_methods(["GET", "POST"])
def facilitator_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the facilitator of a module in a cluster."""
    cluster = managed_cluster(request, pk)
    form = forms.FacilitatorForm(request.POST or None, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        services.facilitator_assign(
            actor=request.user,
            cluster=cluster,
            module=form.cleaned_data["module"],
            facilitator=form.cleaned_data["facilitator"],
        )
        messages.success(request, f"{form.cleaned_data['facilitator'].full_name} facilitates that module.")
        return redirect("qualifications:cluster_detail", pk=cluster.pk)
    return form_page(request, form, f"Add a facilitator to {cluster.name}", back_cluster=cluster)


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Take attendance at one training day or session."""
    day = perms.fetch(
        request.user,
        TrainingDay.objects.select_related("cluster__edition", "cluster__level"),
        Q(organisation_id__in=perms.provider_ids(request.user)),
        perms.can_take_attendance,
        pk=pk,
    )
    today = timezone.localdate()
    if not selectors.is_attendance_open(day, on=today):
        messages.error(
            request,
            f"Attendance for the training day on {selectors.attendance_opens_on(day):%-d %B %Y} can be taken "
            "on the day, not before it.",
        )
        return redirect("qualifications:cluster_detail", pk=day.cluster_id)
    enrolments = list(
        day.cluster.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related(
            "participant", "organisation"
        )
    )
    current = {a.enrolment_id: a.mark for a in day.attendance.all()}
    if request.method == "POST":
        marks = {e.pk: request.POST.get(f"mark-{e.pk}", "") for e in enrolments}
        missing = [e for e in enrolments if not marks[e.pk]]
        if missing:
            messages.error(
                request, f"Give a mark for everyone: {', '.join(e.participant.full_name for e in missing)}."
            )
            current.update({k: v for k, v in marks.items() if v})
        else:
            written = services.attendance_record(actor=request.user, training_day=day, marks=marks, on=today)
            messages.success(
                request, f"Attendance saved for {written} participant{'s' if written != 1 else ''}."
            )
            return redirect("qualifications:cluster_detail", pk=day.cluster_id)
    rows = [{"enrolment": e, "mark": current.get(e.pk, "")} for e in enrolments]
    return render(
        request,
        "qualifications/attendance.html",
        {"day": day, "rows": rows, "marks": SessionAttendance.Mark.choices},
    )


def _ical_response(name: str, days: Any) -> HttpResponse:
    days = list(days)
    response = HttpResponse(
        ical.calendar(name, days, notes=extensions.training_day_notes(days)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="training.ics"'
    return response


@login_not_required
@require_GET
def ical_cluster(request: HttpRequest, token: str) -> HttpResponse:
    """Public calendar feed of a cluster's training days, at an unguessable address."""
    cluster = Cluster.objects.filter(ical_token=token).select_related("edition__programme", "level").first()
    if cluster is None:
        raise Http404("No such calendar.")
    days = cluster.training_days.select_related(
        "cluster__edition__programme", "cluster__level"
    ).prefetch_related("modules")
    return _ical_response(str(cluster), days)


@login_not_required
@require_GET
def ical_participant(request: HttpRequest, token: str) -> HttpResponse:
    """Public calendar feed of one participant's training days, at an unguessable address."""
    enrolment = (
        Enrolment.objects.filter(ical_token=token, status__in=selectors.ACTIVE)
        .select_related("cluster")
        .first()
    )
    if enrolment is None:
        raise Http404("No such calendar.")
    days = enrolment.cluster.training_days.select_related(
        "cluster__edition__programme", "cluster__level"
    ).prefetch_related("modules")
    return _ical_response(f"{enrolment.participant.full_name}: {enrolment.cluster}", days)
