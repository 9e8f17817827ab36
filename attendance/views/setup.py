"""The school's attendance set-up: importing marks from the MIS, register times and letter templates."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from attendance.forms import (
    LetterTemplateForm,
    SettingsForm,
    StageForm,
)
from attendance.models import (
    AttendanceSettings,
    EscalationStage,
    LetterTemplate,
)
from attendance.views.common import _office, _organisation

# --- Import, settings -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    """Register times, escalation stages and letter templates for the school."""
    organisation = _organisation(request, _office)
    instance = AttendanceSettings.objects.filter(organisation=organisation).first() or AttendanceSettings(
        organisation=organisation
    )
    which = request.POST.get("form") if request.method == "POST" else None
    settings_form = SettingsForm(request.POST if which == "settings" else None, instance=instance, prefix="s")
    stage_form = StageForm(request.POST if which == "stage" else None, organisation=organisation, prefix="st")
    template_form = LetterTemplateForm(request.POST if which == "template" else None, prefix="t")
    for form, name in ((settings_form, "settings"), (stage_form, "stage"), (template_form, "template")):
        if which == name and form.is_valid():
            obj = form.save(commit=False)
            obj.organisation = organisation
            obj.save()
            messages.success(request, "Saved.")
            return redirect("attendance:settings")
    return render(
        request,
        "attendance/settings.html",
        {
            "settings_form": settings_form,
            "stage_form": stage_form,
            "template_form": template_form,
            "stages": EscalationStage.objects.filter(organisation=organisation).select_related(
                "letter_template"
            ),
            "templates": LetterTemplate.objects.filter(organisation=organisation),
            "closes_am": instance.closes_at("AM"),
            "closes_pm": instance.closes_at("PM"),
        },
    )
