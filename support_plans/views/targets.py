"""SMART targets and their revisions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from support_plans import services
from support_plans.forms import (
    ReviseForm,
    TargetForm,
)
from support_plans.models import (
    Target,
)
from support_plans.views.common import (
    form_page,
    part_for,
    plan_for,
    saved,
)

# --- Targets ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def target_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk)
    form = TargetForm(request.POST or None, initial={"step": 1})
    if saved(request, form, lambda data: services.target_add(actor=request.user, plan=plan, **data)):
        messages.success(request, "The target is added.")
        return redirect("support_plans:plan_detail", pk=plan.pk)
    return form_page(
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
    target = part_for(request, Target, pk)
    current = target.current
    initial = {f: getattr(current, f) for f in ReviseForm.Meta.fields} if current else {}
    form = ReviseForm(request.POST or None, initial=initial)
    if saved(
        request,
        form,
        lambda data: services.target_revise(
            actor=request.user,
            target=target,
            reason=data["reason"],
            **{key: value for key, value in data.items() if key != "reason"},
        ),
    ):
        messages.success(request, f"Target {target.number} is revised; its history is kept.")
        return redirect("support_plans:plan_detail", pk=target.plan_id)
    return form_page(
        request,
        target.plan,
        form,
        f"Revise target {target.number}",
        "Targets may become more challenging over time. The earlier wording stays in the plan's history.",
    )
