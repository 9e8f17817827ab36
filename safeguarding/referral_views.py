"""Referrals and signposting: the school's agencies, making a referral, following it through its steps, and the
open and overdue referrals. Referrals are safeguarding records: every read is audited and the DSL team steps up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import get_for_user
from audit.services import record_read, record_reads
from core.forms import saved_by
from people.models import Pupil
from safeguarding import permissions, selectors, services, stepup
from safeguarding.forms import AgencyForm, ReferralForm, ReferralUpdateForm
from safeguarding.models import SIGNPOSTING_KINDS, Agency, Concern, Referral


def _organisation(request: HttpRequest) -> Any:
    organisation = request.organisation  # type: ignore[attr-defined]  # set by the middleware
    if organisation is None or not permissions.can_manage_agencies(request.user, organisation):
        raise PermissionDenied
    return organisation


@require_http_methods(["GET", "POST"])
def agencies(request: HttpRequest) -> HttpResponse:
    """The school's agencies, with contact details and timers, and a form to add one."""
    organisation = _organisation(request)
    form = AgencyForm(request.POST or None)
    saved = saved_by(
        request,
        form,
        lambda data: services.agency_save(actor=request.user, organisation=organisation, **data),
    )
    if saved is not None:
        messages.success(request, f"{saved.name} added.")
        return redirect("safeguarding:agencies")
    rows = Agency.objects.filter(organisation=organisation)
    return render(request, "safeguarding/agencies.html", {"agencies": rows, "form": form})


@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an agency's contact details or timer (referrals already made keep the date they were given)."""
    agency = get_for_user(
        request.user, Agency, lambda user, a: permissions.can_manage_agencies(user, a.organisation), pk=pk
    )
    form = AgencyForm(request.POST or None, instance=agency)
    saved = saved_by(
        request,
        form,
        lambda data: services.agency_save(
            actor=request.user, organisation=agency.organisation, agency=agency, **data
        ),
    )
    if saved is not None:
        messages.success(request, f"{saved.name} saved.")
        return redirect("safeguarding:agencies")
    return render(request, "safeguarding/agency_edit.html", {"agency": agency, "form": form})


def _agencies_for(user: Any, pupil: Pupil) -> Any:
    rows = Agency.objects.filter(organisation_id=pupil.organisation_id, active=True)
    if not permissions.can_view_file(user, pupil):
        rows = rows.filter(kind__in=SIGNPOSTING_KINDS)
    return rows


@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    """Refer or signpost a child to an agency (from a concern, when `?concern=` names one)."""
    from access.permissions import can_view_pupil

    pupil = get_for_user(request.user, Pupil, can_view_pupil, pk=pupil_pk)
    agencies_ = _agencies_for(request.user, pupil)
    on_file = permissions.can_view_file(request.user, pupil)
    if not on_file and not permissions.can_signpost(request.user, pupil):
        raise PermissionDenied
    if on_file and (wait := stepup.step_up_redirect(request)):
        return wait
    concern = None
    concern_pk = request.POST.get("concern") or request.GET.get("concern")
    if concern_pk and on_file:
        concern = get_for_user(request.user, Concern.objects.filter(pupil=pupil), pk=concern_pk)
    form = ReferralForm(
        request.POST or None,
        agencies=agencies_,
        pupil=pupil,
        concern=concern,
        initial={"made_on": timezone.localdate()},
    )
    saved = saved_by(
        request,
        form,
        lambda data: services.referral_create(actor=request.user, pupil=pupil, concern=concern, **data),
    )
    if saved is not None:
        messages.success(
            request,
            f"Referral to {saved.agency.name} recorded; an answer is due by {saved.answer_due_on:%d %b %Y}.",
        )
        return redirect("safeguarding:referral_detail", pk=saved.pk)
    context = {"pupil": pupil, "form": form, "concern": concern}
    return render(request, "safeguarding/referral_new.html", context)


def _referral(request: HttpRequest, pk: int) -> Referral:
    qs = Referral.objects.select_related("pupil", "agency", "made_by", "concern")
    referral = get_for_user(request.user, qs, permissions.can_read_referral, pk=pk)
    return referral


def _step_up(request: HttpRequest, referral: Referral) -> HttpResponse | None:
    """The DSL team steps up; a PAL following up their own signposting does not (like a concern's logger)."""
    if permissions.can_view_file(request.user, referral.pupil):
        return stepup.step_up_redirect(request)
    return None


def _referral_page(request: HttpRequest, referral: Referral, form: Any, status: int = 200) -> HttpResponse:
    record_read(actor=request.user, obj=referral, note="safeguarding: referral opened")
    context = {
        "referral": referral,
        "timer": selectors.timer(referral),
        "updates": referral.updates.select_related("recorded_by"),
        "form": form,
        "on_file": permissions.can_view_file(request.user, referral.pupil),
    }
    return render(request, "safeguarding/referral_detail.html", context, status=status)


@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A referral: agency, reason, consent, its timer and every step so far."""
    referral = _referral(request, pk)
    if wait := _step_up(request, referral):
        return wait
    return _referral_page(request, referral, ReferralUpdateForm(initial={"on": timezone.localdate()}))


@require_POST
def referral_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the next step of a referral (acknowledged, accepted, declined, waiting, seen, closed)."""
    referral = _referral(request, pk)
    if wait := _step_up(request, referral):
        return wait
    form = ReferralUpdateForm(request.POST)
    saved = saved_by(
        request, form, lambda data: services.referral_update(actor=request.user, referral=referral, **data)
    )
    if saved is not None:
        messages.success(request, f"Recorded: {saved.get_status_display()}.")
        return redirect("safeguarding:referral_detail", pk=referral.pk)
    return _referral_page(request, referral, form, status=400)


CLOSED_PER_PAGE = 50


@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    """Open referrals (overdue first) on the files I may open, and the ones I made; `?show=closed`: the closed ones,
    most recently closed first, 50 a page, with when and why each closed."""
    if not permissions.can_list_referrals(request.user):
        raise PermissionDenied
    visible = selectors.visible_referrals(request.user)
    if request.GET.get("show") == "closed":
        page = Paginator(selectors.closed_referrals(visible), CLOSED_PER_PAGE).get_page(
            request.GET.get("page")
        )
        record_reads(
            actor=request.user, objs=list(page), note="safeguarding: listed with the closed referrals"
        )
        context = {"show": "closed", "page_obj": page, "querystring_prefix": "show=closed&"}
        return render(request, "safeguarding/referrals.html", context)
    today = timezone.localdate()
    late = list(selectors.overdue(visible, today)[:200])
    late_ids = {r.pk for r in late}
    rest = [
        r
        for r in selectors.open_referrals(visible).order_by("answer_due_on", "id")[:300]
        if r.pk not in late_ids
    ]
    for referral in late:
        referral.days_over = (today - referral.answer_due_on).days  # type: ignore[attr-defined]
    record_reads(actor=request.user, objs=late + rest, note="safeguarding: listed with the referrals")
    return render(request, "safeguarding/referrals.html", {"show": "open", "overdue": late, "waiting": rest})
