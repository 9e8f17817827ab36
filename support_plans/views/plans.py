"""A plan's pages: the dashboard and its lists, settings, opening a plan, its own fields, its parties, alerts and closing it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import has_role, visible_pupils
from audit.models import AuditEvent
from audit.services import record_event, record_read
from core.forms import apply_validation_error
from core.http import HtmxHttpRequest
from core.pdf import render_pdf
from support_plans import selectors, services
from support_plans.forms import (
    AlertForm,
    AssessmentsForm,
    CloseForm,
    MonitoringForm,
    PackForm,
    PartyForm,
    PlanDetailsForm,
    PlanOpenForm,
    SettingsForm,
    TermsForm,
)
from support_plans.models import (
    Alert,
    Assessment,
    Meeting,
    Party,
    SecureLink,
    SupportPlan,
)
from support_plans.permissions import (
    OPEN_PLAN_ROLES,
    can_edit_plan,
    can_edit_settings,
    can_open_plan,
    visible_plans,
)
from support_plans.views.common import (
    PANEL_ROWS,
    PER_PAGE,
    current_organisation,
    form_page,
    make_link,
    may_see_plans,
    part_for,
    plan_for,
    saved,
)

# --- Dashboard ----------------------------------------------------------------------------


@require_GET
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """Open PSPs, reviews due this week and overdue, alerts, and outcomes over time."""
    may_see_plans(request)
    status = request.GET.get("status", "open")
    plans = (
        selectors.open_plans(request.user)
        if status != "closed"
        else visible_plans(request.user)
        .filter(status=SupportPlan.Status.CLOSED)
        .select_related("pupil", "coordinator")
    )
    page = Paginator(plans.order_by("-opened_on", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    for plan in page:
        plan.stage_label = selectors.stage(plan)
        plan.next = selectors.next_due(plan)
    alerts = selectors.open_alerts(request.user)
    due = selectors.meetings_due(request.user)
    chart = selectors.outcomes_by_term(request.user)
    organisation = current_organisation(request)
    return render(
        request,
        "support_plans/dashboard.html",
        {
            "page_obj": page,
            "status": status,
            "querystring_prefix": f"status={status}&",
            "due": {key: rows[:PANEL_ROWS] for key, rows in due.items()},
            "due_count": {key: len(rows) for key, rows in due.items()},
            "alerts": alerts[:PANEL_ROWS],
            "alert_count": alerts.count(),
            "chart": chart,
            "chart_data": {k: chart[k] for k in ("labels", "successful", "unsuccessful")},
            "can_open": has_role(request.user, OPEN_PLAN_ROLES),
            "can_settings": organisation is not None and can_edit_settings(request.user, organisation),
        },
    )


@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """Every plan that may be failing, where the parents are yet to be contacted, a page at a time."""
    may_see_plans(request)
    page = Paginator(selectors.open_alerts(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "support_plans/alert_list.html", {"page_obj": page})


@require_GET
def due_list(request: HttpRequest) -> HttpResponse:
    """The meetings overdue, then those due this week, a page at a time."""
    may_see_plans(request)
    due = selectors.meetings_due(request.user)
    page = Paginator(due["overdue"] + due["this_week"], PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "support_plans/due_list.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
def settings_edit(request: HtmxHttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    if organisation is None or not can_edit_settings(request.user, organisation):
        raise PermissionDenied
    current = selectors.settings_for(organisation)
    form = SettingsForm(request.POST or None, instance=current)
    if saved(
        request,
        form,
        lambda data: services.settings_save(actor=request.user, organisation=organisation, **data),
    ):
        messages.success(
            request,
            "PSP settings are saved: the length and reviews apply to plans opened from now on, the records "
            "period to the next retention run.",
        )
        return redirect("support_plans:dashboard")
    return render(request, "support_plans/settings.html", {"form": form})


# --- Opening ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_create(request: HtmxHttpRequest) -> HttpResponse:
    """Open a PSP for a pupil at risk of exclusion."""
    organisation = current_organisation(request)
    if not has_role(request.user, OPEN_PLAN_ROLES) or organisation is None:
        raise PermissionDenied
    pupils = visible_pupils(request.user).filter(organisation=organisation)
    initial: dict[str, Any] = {"opened_on": timezone.localdate(), "coordinator": request.user.pk}
    if request.GET.get("pupil", "").isdigit():
        initial["pupil"] = int(request.GET["pupil"])
    form = PlanOpenForm(request.POST or None, initial=initial, pupils=pupils, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not can_open_plan(request.user, data["pupil"]):
            raise PermissionDenied
        try:
            plan = services.plan_open(
                actor=request.user,
                pupil=data["pupil"],
                coordinator=data["coordinator"],
                reason=data["reason"],
                relation=data["relation"],
                relation_note=data["relation_note"],
                opened_on=data["opened_on"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, "The Pastoral Support Programme is open. Gather the pre-meeting pack next."
            )
            return redirect("support_plans:plan_detail", pk=plan.pk)
    return render(
        request,
        "support_plans/form_page.html",
        {
            "form": form,
            "title": "Open a Pastoral Support Programme",
            "button": "Open the programme",
            "intro": "A PSP is for a pupil at risk of exclusion: a 12-week programme (or as your school sets) of "
            "SMART targets agreed with the pupil, their parents or carers, staff and any outside agencies.",
        },
    )


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole programme on one page, step by step."""
    plan = plan_for(request, pk, edit=False)
    record_read(actor=request.user, obj=plan, note="support plan")
    targets = list(plan.targets.prefetch_related("revisions", "revisions__revised_by"))
    assessments = {a.kind: a for a in plan.assessments.all()}
    parties = selectors.plan_parties(plan)
    return render(
        request,
        "support_plans/plan_detail.html",
        {
            "plan": plan,
            "stage": selectors.stage(plan),
            "parties": parties,
            "questionnaires": plan.questionnaires.select_related("party"),
            "assessments": [
                {
                    "kind": k,
                    "label": label,
                    "found": assessments.get(k),
                    "caution": Assessment.CAUTIONS.get(k, ""),
                }
                for k, label in Assessment.Kind.choices
            ],
            "targets": targets,
            "meetings": plan.meetings.prefetch_related("attendees", "progress", "progress__target"),
            "schedule": selectors.review_schedule(plan),
            "signatures": selectors.signature_status(plan),
            "pack": selectors.pre_meeting_pack(plan),
            "alerts": plan.alerts.all(),
            "evidence": selectors.plan_evidence(plan) if plan.starts_on else None,
            "can_edit": can_edit_plan(request.user, plan),
            "has_initial": plan.meetings.filter(kind=Meeting.Kind.INITIAL).exists(),
            **selectors.arrangements_context(plan, today=timezone.localdate(), parties=parties),
            "has_final": plan.meetings.filter(kind=Meeting.Kind.FINAL).exists(),
            "start_correctable": selectors.start_correctable(plan),
        },
    )


def _plan_fields(
    request: HttpRequest, plan: SupportPlan, form: Any, message: str, title: str, intro: str = ""
) -> HttpResponse:
    """Save a form of the plan's own fields (plan_update), or show it again under its own title."""
    if saved(request, form, lambda data: services.plan_update(actor=request.user, plan=plan, **dict(data))):
        messages.success(request, message)
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return form_page(request, plan, form, title, intro)


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk)
    form = PlanDetailsForm(request.POST or None, plan=plan, organisation=plan.organisation)
    return _plan_fields(
        request, plan, form, "The plan's details are saved.", "Coordinator, reason and other plans"
    )


@require_http_methods(["GET", "POST"])
def pack_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The pre-meeting summary, the pupil's voice (a one-page profile), SENCO comments, IEP and adjustments."""
    plan = plan_for(request, pk)
    return _plan_fields(
        request,
        plan,
        PackForm(request.POST or None, plan=plan),
        "The pre-meeting pack is saved.",
        "Pre-meeting pack and pupil voice",
        "Let the voice of the child be heard: harsh or negative things said about others are not held against them.",
    )


@require_http_methods(["GET", "POST"])
def terms_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk)
    return _plan_fields(
        request,
        plan,
        TermsForm(request.POST or None, plan=plan),
        "Rewards and consequences are saved.",
        "Rewards and consequences",
        "Rewards for success work better than sanctions for a lack of it.",
    )


@require_http_methods(["GET", "POST"])
def assessments_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk)
    form = AssessmentsForm(request.POST or None, existing={a.kind: a for a in plan.assessments.all()})
    if saved(
        request,
        form,
        lambda data: services.assessments_save(actor=request.user, plan=plan, decisions=form.decisions()),
    ):
        messages.success(request, "Assessments are saved.")
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return form_page(
        request,
        plan,
        form,
        "Assessments",
        "The assessments the guidance lists. Record what was decided for each.",
    )


@require_http_methods(["GET", "POST"])
def monitoring_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk)
    form = MonitoringForm(
        request.POST or None,
        organisation=plan.organisation,
        initial={
            "frequency": plan.monitoring or "daily",
            "staff": plan.monitoring_staff_id or request.user.pk,
        },
    )
    if saved(request, form, lambda data: services.monitoring_set(actor=request.user, plan=plan, **data)):
        messages.success(
            request, "Monitoring is set up: a report card now scores each lesson against the targets."
        )
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return form_page(
        request,
        plan,
        form,
        "Monitoring arrangements",
        "Reports with a key member of staff, usually weekly or fortnightly; daily reporting may help.",
    )


# --- Parties ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk)
    form = PartyForm(request.POST or None)
    if saved(request, form, lambda data: services.party_save(actor=request.user, plan=plan, **data)):
        messages.success(request, f"{form.cleaned_data['name']} is added.")
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return form_page(
        request,
        plan,
        form,
        "Add a party",
        "Key staff, the SENCO, or an outside agency: local authority, PRU outreach, CAMHS, educational "
        "psychology, speech and language or occupational therapy.",
    )


@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, pk: int) -> HttpResponse:
    party = part_for(request, Party, pk)
    form = PartyForm(request.POST or None, instance=party)
    if saved(
        request,
        form,
        lambda data: services.party_save(actor=request.user, plan=party.plan, party=party, **data),
    ):
        messages.success(request, f"{party.name}'s details and commitments are saved.")
        return redirect("support_plans:plan_detail", pk=party.plan_id)
    return form_page(request, party.plan, form, f"{party.name}: details and commitments")


@require_POST
def party_sign_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A secure link for a party who signs the targets from home."""
    party = part_for(request, Party, pk)
    return make_link(
        request,
        party.plan,
        f"Link for {party.name} to sign the targets",
        back=reverse("support_plans:plan_detail", args=[party.plan_id]),
        purpose=SecureLink.Purpose.SIGNATURE,
        party=party,
    )


# --- Between reviews and the outcome ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = part_for(request, Alert, pk)
    if alert.kind != Alert.Kind.FAILING:  # closes itself when scores are recorded: nothing to record here
        return redirect("support_plans:plan_detail", pk=alert.plan_id)
    form = AlertForm(
        request.POST or None, instance=alert, initial={"parents_contacted_on": timezone.localdate()}
    )
    if saved(
        request,
        form,
        lambda data: services.alert_resolve(
            actor=request.user,
            alert=alert,
            contacted_on=data["parents_contacted_on"],
            resolution=data["resolution"],
        ),
    ):
        messages.success(request, "The conversation with the parents is recorded.")
        return redirect("support_plans:plan_detail", pk=alert.plan_id)
    return form_page(request, alert.plan, form, "Contact the parents: the plan may be failing", alert.reason)


@require_http_methods(["GET", "POST"])
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The final evaluation: successful or unsuccessful, judged on the evidence."""
    plan = plan_for(request, pk)
    form = CloseForm(request.POST or None, instance=plan)
    if saved(
        request,
        form,
        lambda data: services.plan_close(actor=request.user, plan=plan, **data),
    ):
        messages.success(request, "The programme is closed with its final evaluation.")
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return form_page(
        request,
        plan,
        form,
        "Final evaluation and outcome",
        "If unsuccessful, consider the alternatives and consult the local authority before any exclusion decision.",
        template="support_plans/close.html",
        evidence=selectors.plan_evidence(plan),
        has_final=plan.meetings.filter(kind=Meeting.Kind.FINAL).exists(),
        button="Close the programme",
    )


@require_GET
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable Pastoral Support Plan, at whatever stage the programme is."""
    plan = plan_for(request, pk, edit=False)
    pdf = render_pdf(
        "support_plans/plan_pdf.html",
        selectors.print_context(plan),
        request.build_absolute_uri("/"),
        request=request,
    )
    record_event(
        action=AuditEvent.Action.EXPORT, actor=request.user, obj=plan, note="Pastoral Support Plan PDF"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pastoral-support-plan-{plan.pk}.pdf"'
    return response
