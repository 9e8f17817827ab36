"""Escalation screens: the stages now due and the stage rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from access.permissions import get_for_user
from attendance import permissions, selectors, services
from attendance.forms import (
    StageRuleForm,
)
from attendance.models import (
    EscalationStage,
    PupilEscalation,
)
from attendance.views.common import _office, _organisation

# --- Escalation due -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def escalations_due(request: HttpRequest) -> HttpResponse:
    """Pupils who meet their next stage's entry rule; the office confirms and records them in one go."""
    organisation = _organisation(request, _office)
    today = timezone.localdate()
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("pupil") if v.isdigit()]
        if not chosen:
            messages.error(request, "Choose at least one pupil to record.")
        else:
            created = services.record_due_escalations(
                actor=request.user, organisation=organisation, pupil_ids=chosen, today=today
            )
            skipped = len(set(chosen)) - len(created)
            text = f"{len(created)} escalation stage(s) recorded."
            if skipped:
                text += f" {skipped} pupil(s) were no longer due and were left as they were."
            messages.success(request, text)
            request.session["attendance_escalated"] = [e.pk for e in created]
            return redirect("attendance:escalations_due")
    due = selectors.escalations_due(organisation, today)
    just_recorded = PupilEscalation.objects.filter(
        organisation=organisation, pk__in=request.session.pop("attendance_escalated", [])
    ).select_related("pupil", "stage", "stage__letter_template")
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/escalations_due.html",
        {
            "page_obj": page,
            "count": len(due),
            "recorded": just_recorded,
            "automatic": selectors.settings_for(organisation).escalate_automatically,
            "has_rules": EscalationStage.objects.filter(
                organisation=organisation, threshold_percent__isnull=False
            ).exists(),
            "querystring_prefix": "",
        },
    )


@require_http_methods(["GET", "POST"])
def edit_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a stage's entry rule, name or letter."""
    stage = get_for_user(
        request.user, EscalationStage, lambda u, s: permissions.is_office(u, s.organisation_id), pk=pk
    )
    form = StageRuleForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Stage {stage} saved.")
        return redirect("attendance:settings")
    return render(request, "attendance/stage_form.html", {"form": form, "stage": stage})
