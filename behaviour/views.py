"""Screens of the behaviour log: incidents, report cards, suspensions and exclusions."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import (
    can_view_pupil,
    get_for_user,
    has_role,
    reachable_organisation_ids,
    visible_pupils,
)
from access.roles import PUPIL_ROLES
from audit.models import AuditEvent
from audit.services import record_event, record_read
from behaviour import selectors, services
from behaviour.documents import suspension_letter_pdf
from behaviour.forms import (
    CategoryForm,
    IncidentFilterForm,
    IncidentForm,
    ReportCardForm,
    ReportScoresForm,
    SuspensionEditForm,
    SuspensionForm,
    SuspensionWithdrawForm,
)
from behaviour.models import BehaviourCategory, Incident, ReportCard, Suspension
from behaviour.permissions import (
    can_change_suspension,
    can_edit_incident,
    can_manage_categories,
    can_manage_category,
    can_record_behaviour,
    can_record_suspension,
    can_view_card,
    can_view_incident,
    can_view_suspension,
)
from core.exports import export_response
from core.forms import apply_validation_error
from core.http import HtmxHttpRequest
from organisations.models import Organisation
from people.models import Pupil


def _current_organisation(request: HtmxHttpRequest) -> Organisation | None:
    """The organisation the user is working in (None if they have none), set by access.middleware."""
    return request.organisation


def _require_staff(request: HttpRequest) -> None:
    if not has_role(request.user, PUPIL_ROLES):
        raise PermissionDenied("Only staff who work with pupils may use the behaviour log.")


EXPORT_HEADER = [
    "When",
    "Kind",
    "Category",
    "Severity",
    "Place",
    "Lesson",
    "Pupils",
    "Member of staff",
    "What happened",
    "Actions taken",
    "Parents contacted",
    "Recorded by",
]


def _export_rows(incidents):
    for incident in incidents:
        yield [
            timezone.localtime(incident.occurred_at).strftime("%Y-%m-%d %H:%M"),
            incident.get_kind_display(),
            incident.category.name,
            incident.severity,
            incident.get_place_display(),
            incident.lesson,
            "; ".join(p.display_name for p in incident.pupils.all()),
            incident.staff.full_name,
            incident.description,
            incident.actions,
            incident.parents_contacted_how if incident.parents_contacted else "No",
            incident.recorded_by.full_name,
        ]


@require_GET
def incident_list(request: HtmxHttpRequest) -> HttpResponse:
    """The behaviour log: every incident involving pupils you may see, newest first; exportable as filtered."""
    _require_staff(request)
    params = request.GET.copy()
    fmt = params.pop("format", [""])[0]
    params.pop("page", None)
    organisation = _current_organisation(request)
    form = IncidentFilterForm(params or None, organisation_ids=reachable_organisation_ids(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    incidents = selectors.incident_search(
        user=request.user,
        kind=filters.get("kind", ""),
        category=filters.get("category"),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    # A filter with a mistake is shown with its message rather than exporting more than was asked for.
    if fmt in ("csv", "xlsx") and (not form.is_bound or form.is_valid()):
        described = ", ".join(f"{k}={v}" for k, v in params.items() if v) or "no filter"
        record_event(
            action="export",
            actor=request.user,
            organisation_id=organisation.pk if organisation else None,
            object_type="behaviour.Incident",
            note=f"behaviour log, {incidents.count()} incidents ({described})",
        )
        return export_response(
            fmt,
            f"behaviour-log-{timezone.localdate():%Y%m%d}",
            EXPORT_HEADER,
            _export_rows(incidents),
            "Behaviour log",
        )
    page = Paginator(incidents, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "behaviour/incident_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_prefix": (params.urlencode() + "&") if params else "",
            "query": params.urlencode(),
            "can_manage_categories": can_manage_categories(
                request.user, organisation.pk if organisation else None
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def incident_create(request: HtmxHttpRequest) -> HttpResponse:
    """Record an incident; several pupils may be involved."""
    _require_staff(request)
    organisation = _current_organisation(request)
    if organisation is None:
        raise PermissionDenied("Choose an organisation first.")
    pupils = visible_pupils(request.user).filter(organisation=organisation)
    initial: dict[str, Any] = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "staff": request.user.pk,
        "severity": 1,
    }
    if request.GET.get("pupil", "").isdigit():
        initial["pupils"] = [int(request.GET["pupil"])]
    form = IncidentForm(request.POST or None, initial=initial, pupils=pupils, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["pupils"])
        if not all(can_record_behaviour(request.user, p) for p in chosen):
            raise PermissionDenied
        try:
            incident = services.incident_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The incident is recorded.")
            return redirect("behaviour:incident_detail", pk=incident.pk)
    return render(request, "behaviour/incident_form.html", {"form": form, "title": "Record an incident"})


@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_for_user(
        request.user, Incident.objects.select_related("staff", "recorded_by"), can_view_incident, pk=pk
    )
    return render(
        request,
        "behaviour/incident_detail.html",
        {
            "incident": incident,
            "pupils": incident.pupils.all(),
            "can_edit": can_edit_incident(request.user, incident),
            "suspensions": incident.suspensions.all(),
        },
    )


@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_for_user(request.user, Incident, can_edit_incident, pk=pk)
    pupils = visible_pupils(request.user).filter(organisation_id=incident.organisation_id)
    form = IncidentForm(
        request.POST or None,
        instance=incident,
        initial={"pupils": list(incident.pupils.all())},
        pupils=pupils,
        organisation=incident.organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_update(actor=request.user, incident=incident, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The incident is updated.")
            return redirect("behaviour:incident_detail", pk=incident.pk)
    return render(
        request,
        "behaviour/incident_form.html",
        {"form": form, "title": "Change an incident", "incident": incident},
    )


@require_GET
def pupil_behaviour(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    """A pupil's whole behaviour record: log, report cards, suspensions and exclusions."""
    pupil = get_for_user(request.user, Pupil, can_view_pupil, pk=pupil_pk)
    record_read(actor=request.user, obj=pupil, note="behaviour record")
    today = timezone.localdate()
    incidents = Paginator(selectors.pupil_incidents(pupil), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "behaviour/pupil_behaviour.html",
        {
            "pupil": pupil,
            "page_obj": incidents,
            "suspensions": selectors.pupil_suspensions(pupil),
            "cards": pupil.report_cards.select_related("key_staff"),
            "summary": selectors.behaviour_summary(
                pupil,
                today.replace(month=9, day=1)
                if today.month >= 9
                else today.replace(year=today.year - 1, month=9, day=1),
                today,
            ),
            "upcoming": selectors.upcoming_suspensions(pupil, today=today),
            "can_record": can_record_behaviour(request.user, pupil),
            "can_suspend": can_record_suspension(request.user, pupil),
        },
    )


@require_http_methods(["GET", "POST"])
def card_create(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    pupil = get_for_user(request.user, Pupil, can_record_behaviour, pk=pupil_pk)
    today = timezone.localdate()
    form = ReportCardForm(
        request.POST or None,
        organisation=pupil.organisation,
        initial={
            "starts_on": today,
            "ends_on": today + datetime.timedelta(days=13),
            "key_staff": request.user.pk,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            card = services.report_card_create(
                actor=request.user,
                pupil=pupil,
                frequency=data["frequency"],
                key_staff=data["key_staff"],
                targets=data["targets_text"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                purpose=data["purpose"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The report card is started.")
            return redirect("behaviour:card_detail", pk=card.pk)
    return render(request, "behaviour/card_form.html", {"form": form, "pupil": pupil})


@require_GET
def card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_for_user(
        request.user, ReportCard.objects.select_related("pupil", "key_staff"), can_view_card, pk=pk
    )
    failing, why = selectors.card_is_failing(card)
    return render(
        request,
        "behaviour/card_detail.html",
        {
            "card": card,
            "days": selectors.card_days(card),
            "share": selectors.card_share(card),
            "failing": failing,
            "why": why,
            "can_record": can_record_behaviour(request.user, card.pupil),
        },
    )


@require_http_methods(["GET", "POST"])
def card_record(request: HttpRequest, pk: int) -> HttpResponse:
    """A teacher scores one lesson against each of the card's targets."""
    card = get_for_user(
        request.user,
        ReportCard.objects.select_related("pupil"),
        lambda u, c: can_record_behaviour(u, c.pupil),
        pk=pk,
    )
    today = timezone.localdate()
    form = ReportScoresForm(
        request.POST or None, card=card, initial={"date": min(max(today, card.starts_on), card.ends_on)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_scores_record(
                actor=request.user,
                card=card,
                date=form.cleaned_data["date"],
                lesson=form.cleaned_data["lesson"],
                scores=form.scores(),
                comments=form.comments(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Scores for {form.cleaned_data['lesson']} are saved.")
            return redirect("behaviour:card_detail", pk=card.pk)
    return render(request, "behaviour/card_record.html", {"form": form, "card": card})


@require_http_methods(["GET", "POST"])
def suspension_create(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    pupil = get_for_user(request.user, Pupil, can_record_suspension, pk=pupil_pk)
    form = SuspensionForm(request.POST or None, pupil=pupil, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            suspension = services.suspension_create(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                f"The {suspension.get_kind_display().lower()} is recorded; attendance: {suspension.attendance_note}.",
            )
            return redirect("behaviour:suspension_detail", pk=suspension.pk)
    return render(request, "behaviour/suspension_form.html", {"form": form, "pupil": pupil})


@require_GET
def suspension_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suspension = get_for_user(
        request.user,
        Suspension.objects.select_related("pupil", "decided_by", "recorded_by", "incident"),
        can_view_suspension,
        pk=pk,
    )
    record_read(actor=request.user, obj=suspension, note="suspension record")
    return render(
        request,
        "behaviour/suspension_detail.html",
        {"suspension": suspension, "can_change": can_change_suspension(request.user, suspension)},
    )


@require_GET
def suspension_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter to parents (PDF) from the school's template; only those who may record the suspension print it."""
    suspension = get_for_user(
        request.user,
        Suspension.objects.select_related("pupil", "organisation", "decided_by", "incident"),
        can_change_suspension,
        pk=pk,
    )
    pdf = suspension_letter_pdf(
        suspension, today=timezone.localdate(), base_url=request.build_absolute_uri("/")
    )
    record_event(
        action=AuditEvent.Action.EXPORT, actor=request.user, obj=suspension, note="letter to parents (PDF)"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="suspension-letter-{suspension.pk}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def suspension_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a suspension's dates or details; the attendance register follows."""
    suspension = get_for_user(
        request.user, Suspension.objects.select_related("pupil"), can_change_suspension, pk=pk
    )
    if suspension.is_withdrawn:
        messages.error(request, "This suspension was withdrawn; it can no longer be changed.")
        return redirect("behaviour:suspension_detail", pk=suspension.pk)
    form = SuspensionEditForm(request.POST or None, instance=suspension)
    if request.method == "POST" and form.is_valid():
        try:
            suspension = services.suspension_update(
                actor=request.user, suspension=suspension, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                f"The {suspension.get_kind_display().lower()} is changed; attendance: {suspension.attendance_note}.",
            )
            return redirect("behaviour:suspension_detail", pk=suspension.pk)
    return render(request, "behaviour/suspension_edit.html", {"form": form, "suspension": suspension})


@require_http_methods(["GET", "POST"])
def suspension_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then withdraw (rescind) a suspension or exclusion; the record stays, marked withdrawn."""
    suspension = get_for_user(
        request.user, Suspension.objects.select_related("pupil"), can_change_suspension, pk=pk
    )
    if suspension.is_withdrawn:
        messages.error(request, "This suspension is already withdrawn.")
        return redirect("behaviour:suspension_detail", pk=suspension.pk)
    form = SuspensionWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            suspension = services.suspension_withdraw(
                actor=request.user, suspension=suspension, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                f"The {suspension.get_kind_display().lower()} is withdrawn; attendance: {suspension.attendance_note}.",
            )
            return redirect("behaviour:suspension_detail", pk=suspension.pk)
    return render(request, "behaviour/suspension_withdraw.html", {"form": form, "suspension": suspension})


# --- The school's categories --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def category_list(request: HtmxHttpRequest) -> HttpResponse:
    """The school's behaviour categories, how often each is used, and a form to add one."""
    organisation = _current_organisation(request)
    if organisation is None or not can_manage_categories(request.user, organisation.pk):
        raise PermissionDenied("School administrators and senior leaders keep the behaviour categories.")
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(
                actor=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                position=form.cleaned_data.get("position"),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"“{category.name}” is added.")
            return redirect("behaviour:category_list")
    categories = Paginator(selectors.categories_in_use(organisation.pk), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "behaviour/category_list.html",
        {"form": form, "page_obj": categories, "querystring_prefix": ""},
    )


@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, re-order, retire or bring back a category."""
    category = get_for_user(request.user, BehaviourCategory, can_manage_category, pk=pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_update(actor=request.user, category=category, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"“{category.name}” is saved.")
            return redirect("behaviour:category_list")
    return render(
        request,
        "behaviour/category_form.html",
        {"form": form, "category": category, "uses": category.incidents.count()},
    )


@require_http_methods(["GET", "POST"])
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete a category that no entry uses."""
    category = get_for_user(request.user, BehaviourCategory, can_manage_category, pk=pk)
    uses = category.incidents.count()
    if request.method == "POST":
        try:
            services.category_delete(actor=request.user, category=category)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("behaviour:category_edit", pk=category.pk)
        messages.success(request, f"“{category.name}” is deleted.")
        return redirect("behaviour:category_list")
    return render(request, "behaviour/category_delete.html", {"category": category, "uses": uses})
