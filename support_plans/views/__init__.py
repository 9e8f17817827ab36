"""Screens of the Pastoral Support Programme: a page per step of Assess, Plan, Do, Review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import get_for_user, has_role, visible_pupils
from audit.models import AuditEvent
from audit.services import record_event, record_read
from organisations.models import Organisation
from pastoral.forms import apply_validation_error
from pastoral.http import HtmxHttpRequest
from pastoral.pdf import render_pdf
from support_plans import selectors, services
from support_plans.forms import (
    AlertForm,
    AnswersForm,
    AssessmentsForm,
    CloseForm,
    LinkEmailForm,
    LinkSignForm,
    MeetingForm,
    MonitoringForm,
    PackForm,
    PartyForm,
    PlanDetailsForm,
    PlanOpenForm,
    QuestionnaireForm,
    ReviseForm,
    SettingsForm,
    SignForm,
    TargetForm,
    TermsForm,
)
from support_plans.models import (
    Alert,
    Assessment,
    Meeting,
    Party,
    Questionnaire,
    SecureLink,
    Signature,
    SupportPlan,
    Target,
)
from support_plans.permissions import (
    OPEN_PLAN_ROLES,
    can_edit_plan,
    can_edit_settings,
    can_open_plan,
    can_view_plan,
    visible_plans,
)
from support_plans.questions import questions_for
from support_plans.services import arrangements as arranging

PLANS = SupportPlan.objects.select_related(
    "pupil", "coordinator", "organisation", "monitoring_staff", "report_card"
)


def _current_organisation(request: HtmxHttpRequest) -> Organisation | None:
    """The organisation the user is working in (None if they have none), set by access.middleware."""
    return request.organisation


def _saved(request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], object]) -> bool:
    """Whether the form was posted valid and `save` (a service call on its data) took it; a refusal from the
    service is put on the form, to be shown again."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        apply_validation_error(form, error)
        return False
    return True


def _plan(request: HttpRequest, pk: int, edit: bool = True) -> SupportPlan:
    return get_for_user(request.user, PLANS, can_edit_plan if edit else can_view_plan, pk=pk)


def _child(request: HttpRequest, model: Any, pk: int, edit: bool = True) -> Any:
    """Fetch a plan's part (party, target…) and check the user on its plan."""
    obj = get_for_user(
        request.user,
        model.objects.select_related("plan", "plan__pupil"),
        lambda u, o: (can_edit_plan if edit else can_view_plan)(u, o.plan),
        pk=pk,
    )
    return obj


def _page(
    request: HttpRequest,
    plan: SupportPlan,
    form: Any,
    title: str,
    intro: str = "",
    button: str = "Save",
    template: str = "support_plans/form_page.html",
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {"plan": plan, "form": form, "title": title, "intro": intro, "button": button, **extra},
    )


# --- Dashboard ----------------------------------------------------------------------------


PER_PAGE = 25
PANEL_ROWS = 10  # the dashboard's panels show this many; each links to its whole list


def _may_see_plans(request: HttpRequest) -> None:
    """The dashboard and its lists are for those who open plans, or coordinate one."""
    if not has_role(request.user, OPEN_PLAN_ROLES) and not visible_plans(request.user).exists():
        raise PermissionDenied(
            "Pastoral Support Programmes are for heads of year, senior leaders, the SENCO and DSL."
        )


@require_GET
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """Open PSPs, reviews due this week and overdue, alerts, and outcomes over time."""
    _may_see_plans(request)
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
    organisation = _current_organisation(request)
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
    _may_see_plans(request)
    page = Paginator(selectors.open_alerts(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "support_plans/alert_list.html", {"page_obj": page})


@require_GET
def due_list(request: HttpRequest) -> HttpResponse:
    """The meetings overdue, then those due this week, a page at a time."""
    _may_see_plans(request)
    due = selectors.meetings_due(request.user)
    page = Paginator(due["overdue"] + due["this_week"], PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "support_plans/due_list.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
def settings_edit(request: HtmxHttpRequest) -> HttpResponse:
    organisation = _current_organisation(request)
    if organisation is None or not can_edit_settings(request.user, organisation):
        raise PermissionDenied
    current = services.settings_for(organisation)
    form = SettingsForm(request.POST or None, instance=current)
    if _saved(
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
    organisation = _current_organisation(request)
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
    plan = _plan(request, pk, edit=False)
    record_read(actor=request.user, obj=plan, note="support plan")
    targets = list(plan.targets.prefetch_related("revisions", "revisions__revised_by"))
    assessments = {a.kind: a for a in plan.assessments.all()}
    return render(
        request,
        "support_plans/plan_detail.html",
        {
            "plan": plan,
            "stage": selectors.stage(plan),
            "parties": plan.parties.all(),
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
            **selectors.arrangements_context(plan, today=timezone.localdate()),
            "has_final": plan.meetings.filter(kind=Meeting.Kind.FINAL).exists(),
        },
    )


def _plan_fields(
    request: HttpRequest, plan: SupportPlan, form: Any, message: str, title: str, intro: str = ""
) -> HttpResponse:
    """Save a form of the plan's own fields (plan_update), or show it again under its own title."""
    # Validating the model form wrote onto `plan`, so the service is given the plan as stored.
    if _saved(
        request,
        form,
        lambda data: services.plan_update(
            actor=request.user, plan=SupportPlan.objects.get(pk=plan.pk), data=dict(data)
        ),
    ):
        messages.success(request, message)
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return _page(request, plan, form, title, intro)


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = PlanDetailsForm(request.POST or None, instance=plan, organisation=plan.organisation)
    return _plan_fields(
        request, plan, form, "The plan's details are saved.", "Coordinator, reason and other plans"
    )


@require_http_methods(["GET", "POST"])
def pack_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The pre-meeting summary, the pupil's voice (a one-page profile), SENCO comments, IEP and adjustments."""
    plan = _plan(request, pk)
    return _plan_fields(
        request,
        plan,
        PackForm(request.POST or None, instance=plan),
        "The pre-meeting pack is saved.",
        "Pre-meeting pack and pupil voice",
        "Let the voice of the child be heard: harsh or negative things said about others are not held against them.",
    )


@require_http_methods(["GET", "POST"])
def terms_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return _plan_fields(
        request,
        plan,
        TermsForm(request.POST or None, instance=plan),
        "Rewards and consequences are saved.",
        "Rewards and consequences",
        "Rewards for success work better than sanctions for a lack of it.",
    )


@require_http_methods(["GET", "POST"])
def assessments_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = AssessmentsForm(request.POST or None, existing={a.kind: a for a in plan.assessments.all()})
    if _saved(
        request,
        form,
        lambda data: services.assessments_save(actor=request.user, plan=plan, decisions=form.decisions()),
    ):
        messages.success(request, "Assessments are saved.")
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return _page(
        request,
        plan,
        form,
        "Assessments",
        "The assessments the guidance lists. Record what was decided for each.",
    )


@require_http_methods(["GET", "POST"])
def monitoring_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = MonitoringForm(
        request.POST or None,
        organisation=plan.organisation,
        initial={
            "frequency": plan.monitoring or "daily",
            "staff": plan.monitoring_staff_id or request.user.pk,
        },
    )
    if _saved(request, form, lambda data: services.monitoring_set(actor=request.user, plan=plan, **data)):
        messages.success(
            request, "Monitoring is set up: a report card now scores each lesson against the targets."
        )
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return _page(
        request,
        plan,
        form,
        "Monitoring arrangements",
        "Reports with a key member of staff, usually weekly or fortnightly; daily reporting may help.",
    )


# --- Parties ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = PartyForm(request.POST or None)
    if _saved(request, form, lambda data: services.party_save(actor=request.user, plan=plan, data=data)):
        messages.success(request, f"{form.cleaned_data['name']} is added.")
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return _page(
        request,
        plan,
        form,
        "Add a party",
        "Key staff, the SENCO, or an outside agency: local authority, PRU outreach, CAMHS, educational "
        "psychology, speech and language or occupational therapy.",
    )


@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, pk: int) -> HttpResponse:
    party = _child(request, Party, pk)
    form = PartyForm(request.POST or None, instance=party)
    if _saved(
        request,
        form,
        lambda data: services.party_save(
            actor=request.user, plan=party.plan, party=Party.objects.get(pk=party.pk), data=data
        ),
    ):
        messages.success(request, f"{party.name}'s details and commitments are saved.")
        return redirect("support_plans:plan_detail", pk=party.plan_id)
    return _page(request, party.plan, form, f"{party.name}: details and commitments")


@require_POST
def party_sign_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A secure link for a party who signs the targets from home."""
    party = _child(request, Party, pk)
    return _make_link(
        request,
        party.plan,
        f"Link for {party.name} to sign the targets",
        back=reverse("support_plans:plan_detail", args=[party.plan_id]),
        purpose=SecureLink.Purpose.SIGNATURE,
        party=party,
    )


def _make_link(request: HttpRequest, plan: SupportPlan, title: str, back: str, **about: Any) -> HttpResponse:
    """Make a secure link and show it, once. A new link withdraws one still waiting to be used, which someone
    may hold already: that takes a second post, confirming it."""
    waiting = selectors.waiting_link(plan=plan, **about)
    if waiting is not None and request.POST.get("confirm") != "withdraw":
        context = {"plan": plan, "title": title, "waiting": waiting, "back": back}
        return render(request, "support_plans/link_confirm.html", context)
    try:
        link, token = services.link_create(actor=request.user, plan=plan, **about)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect(back)
    url = request.build_absolute_uri(reverse("support_plans:link", args=[token]))
    return render(
        request, "support_plans/link_made.html", {"plan": plan, "link": link, "url": url, "title": title}
    )


# --- Questionnaires -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def questionnaire_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = QuestionnaireForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        party = form.cleaned_data["party"]
        q = services.questionnaire_create(
            actor=request.user,
            plan=plan,
            kind=form.cleaned_data["kind"],
            respondent=form.cleaned_data["respondent"].strip() or party.name,
            party=party,
        )
        messages.success(request, "The questionnaire is ready: send a secure link, or type in a paper copy.")
        return redirect("support_plans:questionnaire_detail", pk=q.pk)
    return _page(
        request,
        plan,
        form,
        "Add a questionnaire",
        "Pupil questionnaires come in a primary and a secondary version: use whichever suits the pupil.",
    )


@require_GET
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    q = _child(request, Questionnaire, pk, edit=False)
    record_read(actor=request.user, obj=q, note="PSP questionnaire")
    answers = [(question, q.answers.get(key, "")) for key, question in questions_for(q.kind)]
    return render(
        request,
        "support_plans/questionnaire_detail.html",
        {
            "q": q,
            "plan": q.plan,
            "answers": answers,
            "links": q.links.select_related("created_by"),
            "can_edit": can_edit_plan(request.user, q.plan),
        },
    )


@require_POST
def questionnaire_link(request: HttpRequest, pk: int) -> HttpResponse:
    q = _child(request, Questionnaire, pk)
    return _make_link(
        request,
        q.plan,
        f"Link for {q.respondent}: {q.get_kind_display()}",
        back=reverse("support_plans:questionnaire_detail", args=[q.pk]),
        purpose=SecureLink.Purpose.QUESTIONNAIRE,
        questionnaire=q,
        party=q.party,
    )


@require_http_methods(["GET", "POST"])
def questionnaire_email(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail a secure link to one of the pupil's contacts (or the respondent); sent in the background."""
    q = _child(request, Questionnaire, pk)
    recipients = services.link_recipients(q)
    if q.is_complete or not recipients:
        messages.error(
            request,
            "This questionnaire is answered already."
            if q.is_complete
            else "No e-mail address is held for the respondent or the pupil's contacts: make a link to send yourself.",
        )
        return redirect("support_plans:questionnaire_detail", pk=q.pk)
    form = LinkEmailForm(request.POST or None, recipients=recipients)
    if _saved(
        request,
        form,
        lambda data: services.questionnaire_link_email(
            actor=request.user, questionnaire=q, recipient=data["recipient"]
        ),
    ):
        messages.success(
            request,
            f"A secure link is being e-mailed to {form.cleaned_data['recipient']}; "
            "any earlier unused link is withdrawn.",
        )
        return redirect("support_plans:questionnaire_detail", pk=q.pk)
    return _page(
        request,
        q.plan,
        form,
        f"E-mail a link: {q.get_kind_display()}",
        "Pastoral makes a new single-use link, valid for 14 days, and e-mails it; this page records who it went to."
        + _withdraws(
            selectors.waiting_link(
                plan=q.plan, purpose=SecureLink.Purpose.QUESTIONNAIRE, questionnaire=q, party=q.party
            )
        ),
        button="Send",
    )


def _withdraws(waiting: SecureLink | None) -> str:
    if waiting is None:
        return ""
    sent = f", e-mailed to {waiting.emailed_to}," if waiting.emailed_to else ""
    made = timezone.localtime(waiting.created_at)
    return f" The link made on {made:%-d %B %Y}{sent} has not been used yet: sending a new one withdraws it."


@require_http_methods(["GET", "POST"])
def questionnaire_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Type in a questionnaire completed on paper."""
    q = _child(request, Questionnaire, pk)
    form = AnswersForm(request.POST or None, kind=q.kind)
    if _saved(
        request,
        form,
        lambda data: services.questionnaire_submit(
            questionnaire=q, answers=data, source=Questionnaire.Source.PAPER, actor=request.user
        ),
    ):
        messages.success(request, "The answers are saved.")
        return redirect("support_plans:questionnaire_detail", pk=q.pk)
    return _page(request, q.plan, form, f"Type in: {q.get_kind_display()} — {q.respondent}")


# --- Targets ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def target_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = TargetForm(request.POST or None, initial={"step": 1})
    if _saved(request, form, lambda data: services.target_add(actor=request.user, plan=plan, data=data)):
        messages.success(request, "The target is added.")
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return _page(
        request,
        plan,
        form,
        "Add a SMART target",
        "Specific, measurable (with a measure and a baseline), achievable, results-focused and time-bound. "
        "Keep targets stepped and proportionate so progress can be recognised and rewarded.",
    )


@require_http_methods(["GET", "POST"])
def target_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """Revise a target: a new revision is added and the earlier ones kept."""
    target = _child(request, Target, pk)
    current = target.current
    initial = {f: getattr(current, f) for f in ReviseForm.Meta.fields} if current else {}
    form = ReviseForm(request.POST or None, initial=initial)
    if _saved(
        request,
        form,
        lambda data: services.target_revise(
            actor=request.user, target=target, data=data, reason=data["reason"]
        ),
    ):
        messages.success(request, f"Target {target.number} is revised; its history is kept.")
        return redirect("support_plans:plan_detail", pk=target.plan_id)
    return _page(
        request,
        target.plan,
        form,
        f"Revise target {target.number}",
        "Targets may become more challenging over time. The earlier wording stays in the plan's history.",
    )


# --- Meetings and signatures --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    plan = _plan(request, pk)
    if kind not in Meeting.Kind.values:
        raise Http404("No such kind of meeting.")
    due = selectors.next_due(plan)
    initial = {"kind": kind, "held_on": timezone.localdate(), "attendees": [p.pk for p in plan.parties.all()]}
    if kind == Meeting.Kind.REVIEW and due and not due.get("final"):
        initial["week"] = due["week"]
    if kind == Meeting.Kind.INITIAL:
        initial["agenda"] = (
            "1. Welcome and introductions\n2. Assess: what the pre-meeting pack tells us\n"
            "3. Plan: agree SMART targets with the pupil\n4. Do: support for each target, rewards and "
            "consequences\n5. Monitoring arrangements\n6. Dates of reviews\n7. Everyone signs the targets"
        )
    planned = selectors.arranged_for(plan, kind, request.GET.get("planned", ""))
    if (
        planned is not None
    ):  # recording an arranged meeting: its date, and those invited as the likely attendees
        initial["held_on"] = timezone.localdate(planned.starts_at)
        initial["week"] = planned.week or initial.get("week")
        initial["attendees"] = [i.party_id for i in planned.invitations.all()] or initial["attendees"]
    form = MeetingForm(request.POST or None, initial=initial, plan=plan, kind=kind)

    @transaction.atomic
    def record(data: dict[str, Any]) -> None:
        meeting = services.meeting_record(
            actor=request.user,
            plan=plan,
            kind=kind,
            held_on=data["held_on"],
            summary=data["summary"],
            agenda=data.get("agenda", ""),
            attendees=list(data["attendees"]),
            week=data.get("week"),
            commitments_review=data.get("commitments_review", ""),
            further_measures=data.get("further_measures", ""),
            progress=form.progress(),
        )
        if planned is not None:
            arranging.planned_attach(planned=planned, meeting=meeting)

    if _saved(request, form, record):
        messages.success(request, f"The {Meeting.Kind(kind).label.lower()} is recorded.")
        return redirect("support_plans:plan_detail", pk=plan.pk)
    titles = {
        "initial": "Record the initial meeting",
        "review": "Record a review meeting",
        "final": "Record the final meeting",
    }
    return _page(
        request,
        plan,
        form,
        titles[kind],
        "Review every commitment made at the last meeting; focus on solutions." if kind != "initial" else "",
    )


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """An attendee signs the targets on screen (at the meeting)."""
    plan = _plan(request, pk)
    form = SignForm(request.POST or None, parties=plan.parties.all())
    if _saved(
        request,
        form,
        lambda data: services.sign_targets(
            plan=plan,
            party=data["party"],
            signed_name=data["signed_name"],
            method=Signature.Method.ON_SCREEN,
            witnessed_by=request.user,
        ),
    ):
        messages.success(request, f"{form.cleaned_data['signed_name']} has signed the targets.")
        return redirect("support_plans:plan_detail", pk=plan.pk)
    targets = list(plan.targets.filter(is_active=True).prefetch_related("revisions"))
    return _page(
        request,
        plan,
        form,
        "Sign the targets",
        "All present sign the targets, to show everyone takes responsibility for helping the pupil.",
        button="Sign",
        template="support_plans/sign.html",
        targets=targets,
    )


# --- Between reviews and the outcome ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _child(request, Alert, pk)
    if alert.kind != Alert.Kind.FAILING:  # closes itself when scores are recorded: nothing to record here
        return redirect("support_plans:plan_detail", pk=alert.plan_id)
    form = AlertForm(
        request.POST or None, instance=alert, initial={"parents_contacted_on": timezone.localdate()}
    )
    if _saved(
        request,
        form,
        lambda data: services.alert_resolve(
            actor=request.user,
            alert=Alert.objects.get(pk=alert.pk),
            contacted_on=data["parents_contacted_on"],
            resolution=data["resolution"],
        ),
    ):
        messages.success(request, "The conversation with the parents is recorded.")
        return redirect("support_plans:plan_detail", pk=alert.plan_id)
    return _page(request, alert.plan, form, "Contact the parents: the plan may be failing", alert.reason)


@require_http_methods(["GET", "POST"])
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The final evaluation: successful or unsuccessful, judged on the evidence."""
    plan = _plan(request, pk)
    form = CloseForm(request.POST or None, instance=plan)
    if _saved(
        request,
        form,
        lambda data: services.plan_close(
            actor=request.user, plan=SupportPlan.objects.get(pk=plan.pk), **data
        ),
    ):
        messages.success(request, "The programme is closed with its final evaluation.")
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return _page(
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
    plan = _plan(request, pk, edit=False)
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


# --- The public secure link ---------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """A parent, pupil or agency answers a questionnaire or signs the targets, without an account; a parent with a
    home link follows the plan's targets and weekly scores."""
    try:
        found = services.link_resolve(token)
    except services.LinkUnusable as problem:
        return render(request, "support_plans/link_unusable.html", {"message": str(problem)}, status=410)
    plan = found.plan
    if found.purpose == SecureLink.Purpose.HOME:
        # Read-only and reusable until it expires: every opening is on record, against the parent it was made for.
        record_event(action=AuditEvent.Action.READ, obj=plan, note=f"home link opened for {found.party}")
        return render(request, "support_plans/link_home.html", selectors.home_view(plan))
    if found.purpose == SecureLink.Purpose.QUESTIONNAIRE:
        q = found.questionnaire
        assert q is not None, "link_create gives every questionnaire link its questionnaire"
        form = AnswersForm(request.POST or None, kind=q.kind)
        if _saved(
            request,
            form,
            lambda data: services.questionnaire_submit(
                questionnaire=q, answers=data, source=Questionnaire.Source.ONLINE, link=found
            ),
        ):
            message = "Thank you. Your answers have been sent to the school."
            return render(request, "support_plans/link_done.html", {"message": message})
        return render(
            request, "support_plans/link_questionnaire.html", {"form": form, "q": q, "pupil": plan.pupil}
        )
    party = found.party
    assert party is not None, "link_create gives every signature link the party who is to sign"
    sign_form = LinkSignForm(request.POST or None)
    targets = list(plan.targets.filter(is_active=True).prefetch_related("revisions"))
    if _saved(
        request,
        sign_form,
        lambda data: services.sign_targets(
            plan=plan, party=party, signed_name=data["signed_name"], method=Signature.Method.LINK, link=found
        ),
    ):
        message = "Thank you. Your signature has been recorded."
        return render(request, "support_plans/link_done.html", {"message": message})
    return render(
        request,
        "support_plans/link_sign.html",
        {"form": sign_form, "party": party, "pupil": plan.pupil, "targets": targets, "plan": plan},
    )
