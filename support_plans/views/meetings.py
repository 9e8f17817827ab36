"""Recording a meeting once held, and signing the targets."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from support_plans import selectors, services
from support_plans.forms import (
    InitialMeetingDateForm,
    MeetingForm,
    SignForm,
)
from support_plans.models import (
    Meeting,
    Signature,
)
from support_plans.services import arrangements as arranging
from support_plans.views.common import (
    form_page,
    plan_for,
    saved,
)

# --- Meetings and signatures --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    plan = plan_for(request, pk)
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

    if saved(request, form, record):
        messages.success(request, f"The {Meeting.Kind(kind).label.lower()} is recorded.")
        held_on = form.cleaned_data["held_on"]
        if kind == Meeting.Kind.INITIAL and held_on < plan.opened_on:
            messages.warning(
                request,
                f"The initial meeting is dated {held_on:%-d %B %Y}, before the plan was opened here "
                f"({plan.opened_on:%-d %B %Y}): its reviews fall due from that date. If it is a mistake, correct "
                "the date from the initial meeting on the plan.",
            )
        return redirect("support_plans:plan_detail", pk=plan.pk)
    titles = {
        "initial": "Record the initial meeting",
        "review": "Record a review meeting",
        "final": "Record the final meeting",
    }
    return form_page(
        request,
        plan,
        form,
        titles[kind],
        "Review every commitment made at the last meeting; focus on solutions." if kind != "initial" else "",
    )


@require_http_methods(["GET", "POST"])
def initial_meeting_date(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the date of the initial meeting, while no review is held: the reviews fall due from the new date."""
    plan = plan_for(request, pk)
    initial = plan.meetings.filter(kind=Meeting.Kind.INITIAL).first()
    if initial is None:
        raise Http404("The initial meeting is not recorded yet.")
    form = InitialMeetingDateForm(request.POST or None, initial={"held_on": initial.held_on})
    if saved(
        request,
        form,
        lambda data: services.initial_meeting_correct(actor=request.user, plan=plan, held_on=data["held_on"]),
    ):
        plan.refresh_from_db()
        messages.success(
            request,
            f"The initial meeting's date is corrected: the plan runs {plan.starts_on:%-d %b %Y} to "
            f"{plan.ends_on:%-d %b %Y}.",
        )
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return form_page(
        request,
        plan,
        form,
        "Correct the initial meeting's date",
        f"Recorded as held on {initial.held_on:%-d %B %Y}. The date can be corrected until a review is held; "
        "the review dates and the end of the programme follow it.",
        button="Correct the date",
    )


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """An attendee signs the targets on screen (at the meeting)."""
    plan = plan_for(request, pk)
    form = SignForm(request.POST or None, parties=plan.parties.all())
    if saved(
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
    return form_page(
        request,
        plan,
        form,
        "Sign the targets",
        "All present sign the targets, to show everyone takes responsibility for helping the pupil.",
        button="Sign",
        template="support_plans/sign.html",
        targets=targets,
    )
