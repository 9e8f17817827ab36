"""Meetings arranged in advance (schedule, invite, cancel), the parents' link to follow the plan, and the
home–school contact log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from support_plans import selectors
from support_plans.forms import HomeContactForm, ScheduleForm
from support_plans.models import Meeting, Party, PlannedMeeting
from support_plans.services import arrangements
from support_plans.views.common import back, form_page, part_for, plan_for, saved


@require_http_methods(["GET", "POST"])
def meeting_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Arrange the initial meeting, a review or the final meeting in advance."""
    plan = plan_for(request, pk)
    due = selectors.next_due(plan)
    kind = request.GET.get("kind", "review" if plan.starts_on else "initial")
    initial = {"kind": kind if kind in Meeting.Kind.values else "review", "duration_minutes": 45}
    if due and not due.get("final"):
        initial["week"] = due.get("week")
    form = ScheduleForm(request.POST or None, initial=initial, plan=plan)
    if saved(
        request,
        form,
        lambda data: arrangements.meeting_schedule(
            actor=request.user,
            plan=plan,
            kind=data["kind"],
            week=data.get("week"),
            starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
            place=data["place"],
            video_link=data["video_link"],
        ),
    ):
        messages.success(request, "The meeting is arranged. Send the invitations when you are ready.")
        return redirect(back(plan.pk, "arranged"))
    return form_page(
        request,
        plan,
        form,
        "Arrange a meeting",
        "Invite the parents or carers, the pupil and any outside agency (the LA or PRU outreach worker) in good "
        "time: everyone with an e-mail address gets the invitation with a calendar file, and a reminder the day "
        "before.",
        button="Arrange the meeting",
    )


@require_POST
def planned_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail the invitations (again, if sent before)."""
    planned = part_for(request, PlannedMeeting, pk)
    try:
        invited = arrangements.invitations_send(actor=request.user, planned=planned)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        names = ", ".join(i.party.name for i in invited)
        left_out = [p.name for p in planned.plan.parties.all() if p.pk not in {i.party_id for i in invited}]
        note = (
            f" Not invited (no address, or marked “no contact”): {', '.join(left_out)}." if left_out else ""
        )
        messages.success(request, f"Invitations are being e-mailed to {names}.{note}")
    return redirect(back(planned.plan_id, "arranged"))


@require_http_methods(["GET", "POST"])
def planned_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Call a meeting off, after a confirmation; everyone invited is told."""
    planned = part_for(request, PlannedMeeting, pk)
    if request.method == "POST":
        try:
            arrangements.planned_cancel(actor=request.user, planned=planned)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The meeting is cancelled; everyone invited is being told.")
        return redirect(back(planned.plan_id, "arranged"))
    return render(
        request,
        "support_plans/planned_cancel.html",
        {"plan": planned.plan, "planned": planned, "invited": planned.invitations.select_related("party")},
    )


@require_POST
def party_home_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A link for a parent or carer to follow the plan from home, shown once."""
    party = part_for(request, Party, pk)
    try:
        link, token = arrangements.home_link_create(actor=request.user, party=party)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back(party.plan_id, "home"))
    url = request.build_absolute_uri(reverse("support_plans:link", args=[token]))
    title = f"Link for {party.name} to follow the plan from home"
    return render(
        request,
        "support_plans/link_made.html",
        {"plan": party.plan, "link": link, "url": url, "title": title},
    )


@require_http_methods(["GET", "POST"])
def home_contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a call, e-mail, letter or meeting between home and school."""
    plan = plan_for(request, pk)
    form = HomeContactForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if saved(
        request, form, lambda data: arrangements.home_contact_record(actor=request.user, plan=plan, **data)
    ):
        messages.success(request, "The contact is logged.")
        return redirect(back(plan.pk, "home"))
    return form_page(request, plan, form, "Log a contact with home", button="Log the contact")
