"""What the plan's pages share: fetching a plan (or a part of it) for the user, saving a form through a service,
the form page, the way back to a section of the plan page, and making a secure link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from access.permissions import get_for_user, has_role
from core.forms import apply_validation_error
from core.http import HtmxHttpRequest
from organisations.models import Organisation
from support_plans import selectors, services
from support_plans.models import (
    SupportPlan,
)
from support_plans.permissions import (
    OPEN_PLAN_ROLES,
    can_edit_plan,
    can_read_plan,
    visible_plans,
)

PLANS = SupportPlan.objects.select_related(
    "pupil", "coordinator", "organisation", "monitoring_staff", "report_card"
)


def current_organisation(request: HtmxHttpRequest) -> Organisation | None:
    """The organisation the user is working in (None if they have none), set by access.middleware."""
    return request.organisation


def saved(request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], object]) -> bool:
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


def plan_for(request: HttpRequest, pk: int, edit: bool = True) -> SupportPlan:
    return get_for_user(request.user, PLANS, can_edit_plan if edit else can_read_plan, pk=pk)


def part_for(request: HttpRequest, model: Any, pk: int, edit: bool = True) -> Any:
    """Fetch a plan's part (party, target…) and check the user on its plan."""
    obj = get_for_user(
        request.user,
        model.objects.select_related("plan", "plan__pupil"),
        lambda u, o: (can_edit_plan if edit else can_read_plan)(u, o.plan),
        pk=pk,
    )
    return obj


def form_page(
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


PER_PAGE = 25
PANEL_ROWS = 10  # the dashboard's panels show this many; each links to its whole list


def back(plan_id: int, anchor: str) -> str:
    """The plan page, at one of its sections."""
    return reverse("support_plans:plan_detail", args=[plan_id]) + f"#{anchor}"


def may_see_plans(request: HttpRequest) -> None:
    """The dashboard and its lists are for those who open plans, or coordinate one."""
    if not has_role(request.user, OPEN_PLAN_ROLES) and not visible_plans(request.user).exists():
        raise PermissionDenied(
            "Pastoral Support Programmes are for heads of year, senior leaders, the SENCO and DSL."
        )


def make_link(request: HttpRequest, plan: SupportPlan, title: str, back: str, **about: Any) -> HttpResponse:
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
