"""Questionnaires (sent by link or e-mail, or typed in from paper), and the public page a secure link opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AuditEvent
from audit.services import record_event, record_read
from support_plans import selectors, services
from support_plans.forms import (
    AnswersForm,
    LinkEmailForm,
    LinkSignForm,
    QuestionnaireForm,
)
from support_plans.models import (
    Questionnaire,
    SecureLink,
    Signature,
)
from support_plans.permissions import (
    can_edit_plan,
)
from support_plans.questions import questions_for
from support_plans.views.common import (
    form_page,
    make_link,
    part_for,
    plan_for,
    saved,
)

# --- Questionnaires -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def questionnaire_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk)
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
    return form_page(
        request,
        plan,
        form,
        "Add a questionnaire",
        "Pupil questionnaires come in a primary and a secondary version: use whichever suits the pupil.",
    )


@require_GET
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    q = part_for(request, Questionnaire, pk, edit=False)
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
    q = part_for(request, Questionnaire, pk)
    return make_link(
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
    q = part_for(request, Questionnaire, pk)
    recipients = selectors.link_recipients(q)
    if q.is_complete or not recipients:
        messages.error(
            request,
            "This questionnaire is answered already."
            if q.is_complete
            else "No e-mail address is held for the respondent or the pupil's contacts: make a link to send yourself.",
        )
        return redirect("support_plans:questionnaire_detail", pk=q.pk)
    form = LinkEmailForm(request.POST or None, recipients=recipients)
    if saved(
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
    return form_page(
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
    q = part_for(request, Questionnaire, pk)
    form = AnswersForm(request.POST or None, kind=q.kind)
    if saved(
        request,
        form,
        lambda data: services.questionnaire_submit(
            questionnaire=q, answers=data, source=Questionnaire.Source.PAPER, actor=request.user
        ),
    ):
        messages.success(request, "The answers are saved.")
        return redirect("support_plans:questionnaire_detail", pk=q.pk)
    return form_page(request, q.plan, form, f"Type in: {q.get_kind_display()} — {q.respondent}")


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
        if saved(
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
    if saved(
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
