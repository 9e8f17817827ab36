"""A child's safeguarding file, for the DSL team only: the chronology (and its PDF), contacts and meetings, the
child protection status and its history, and who has viewed the file. Each page needs a fresh second factor."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import get_for_user
from audit.models import AuditEvent
from audit.services import record_event, record_read
from core.forms import saved_by
from core.http import HtmxHttpRequest
from core.pdf import render_pdf
from people.models import Pupil
from safeguarding import chronology_html, permissions, selectors, services, stepup
from safeguarding.forms import EntryForm, SettingsForm, StatusForm
from safeguarding.models import ChronologyEntry, SubjectAccessDecision
from safeguarding.selectors.received import pupil_received


def _file(request: HttpRequest, pupil_pk: int) -> Pupil:
    return get_for_user(request.user, Pupil, permissions.can_view_file, pk=pupil_pk)


def _kinds(request: HttpRequest) -> set[str]:
    return {k for k in request.GET.getlist("kind") if k in selectors.KINDS}


def _chronology_context(request: HttpRequest, pupil: Pupil) -> dict[str, Any]:
    kinds = _kinds(request)
    return {
        "pupil": pupil,
        **chronology_html.table_context(selectors.chronology(pupil, kinds or None)),
        "kinds": selectors.KINDS,
        "chosen": kinds,
        "status": selectors.current_status(pupil),
        "received": pupil_received(pupil).only("pk", "from_school", "received_at", "pdf"),
    }


def _corrects_options(pupil: Pupil) -> str:
    """The file's latest hundred entries, for "This corrects"."""
    return chronology_html.corrects_options_html(
        pupil.safeguarding_entries.order_by("-occurred_on", "-id")[:100]
    )


@require_GET
def chronology(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    """Every concern, decision, action, contact and status change, and events from other apps, in date order."""
    pupil = _file(request, pupil_pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    record_read(actor=request.user, obj=pupil, note="safeguarding: chronology")
    context = _chronology_context(request, pupil)
    context["entry_form"] = EntryForm(pupil=pupil)
    context["corrects_options"] = _corrects_options(pupil)
    return render(request, "safeguarding/chronology.html", context)


@require_GET
def chronology_pdf(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    """The chronology (with the same filter) as a PDF to print or send."""
    pupil = _file(request, pupil_pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    record_read(actor=request.user, obj=pupil, note="safeguarding: chronology PDF")
    pdf = render_pdf(
        "safeguarding/chronology_pdf.html",
        _chronology_context(request, pupil),
        request.build_absolute_uri("/"),
        request=request,
    )
    record_event(
        action=AuditEvent.Action.EXPORT, actor=request.user, obj=pupil, note="safeguarding chronology PDF"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="safeguarding-chronology-{pupil.pk}.pdf"'
    return response


@require_POST
def entry_add(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    """Record a contact, discussion, meeting or note on the chronology (a correction names the entry it corrects)."""
    pupil = _file(request, pupil_pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    corrects = None
    if request.POST.get("corrects"):
        corrects = get_for_user(
            request.user, ChronologyEntry.objects.filter(pupil=pupil), pk=request.POST["corrects"]
        )
    form = EntryForm(request.POST, pupil=pupil)
    saved = saved_by(
        request,
        form,
        lambda data: services.entry_add(actor=request.user, pupil=pupil, corrects=corrects, **data),
    )
    if saved is not None:
        messages.success(request, "Added to the chronology.")
        return redirect("safeguarding:chronology", pupil_pk=pupil.pk)
    record_read(actor=request.user, obj=pupil, note="safeguarding: chronology")
    context = _chronology_context(request, pupil)
    context["entry_form"] = form
    context["corrects_options"] = _corrects_options(pupil)
    return render(request, "safeguarding/chronology.html", context, status=400)


@require_GET
def viewers(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    """Who has viewed this child's safeguarding records, and when."""
    pupil = _file(request, pupil_pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    events = list(selectors.file_viewers(pupil).select_related("actor")[:500])
    record_read(actor=request.user, obj=pupil, note="safeguarding: who has viewed this file")
    return render(request, "safeguarding/viewers.html", {"pupil": pupil, "events": events})


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    """The child protection status (CP plan, CIN, LAC, early help, previously on a plan) and its dated history."""
    pupil = _file(request, pupil_pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    form = StatusForm(request.POST or None, pupil=pupil)
    saved = saved_by(request, form, lambda data: services.status_set(actor=request.user, pupil=pupil, **data))
    if saved is not None:
        messages.success(
            request, f"Status recorded: {saved.get_status_display()} from {saved.starts_on:%d %b %Y}."
        )
        return redirect("safeguarding:status", pupil_pk=pupil.pk)
    record_read(actor=request.user, obj=pupil, note="safeguarding: child protection status")
    context = {
        "pupil": pupil,
        "form": form,
        "current": selectors.current_status(pupil),
        "history": pupil.protection_statuses.select_related("recorded_by"),
    }
    return render(
        request, "safeguarding/status.html", context, status=400 if request.method == "POST" else 200
    )


@require_http_methods(["GET", "POST"])
def settings_edit(request: HtmxHttpRequest) -> HttpResponse:
    """The DSL chooses which roles see the discreet flag."""
    organisation = request.organisation
    if organisation is None or not permissions.can_edit_settings(request.user, organisation):
        raise PermissionDenied
    form = SettingsForm(
        request.POST or None, initial={"flag_roles": sorted(selectors.flag_roles(organisation.pk))}
    )
    saved = saved_by(
        request,
        form,
        lambda data: services.settings_save(actor=request.user, organisation=organisation, **data),
    )
    if saved is not None:
        messages.success(request, "Saved: the flag is shown to the roles you chose.")
        return redirect("safeguarding:queue")
    return render(request, "safeguarding/settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    """The DSL decides what a subject-access export includes of this child's safeguarding records, with the reason;
    every earlier decision stays listed."""
    from safeguarding.forms import SubjectAccessForm
    from safeguarding.services import retention

    pupil = get_for_user(request.user, Pupil, permissions.can_decide_subject_access, pk=pupil_pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    form = SubjectAccessForm(request.POST or None)
    saved = saved_by(
        request, form, lambda data: retention.subject_access_decide(actor=request.user, pupil=pupil, **data)
    )
    if saved is not None:
        messages.success(request, f"Recorded: {saved.get_scope_display()}.")
        return redirect("safeguarding:subject_access", pupil_pk=pupil.pk)
    record_read(actor=request.user, obj=pupil, note="safeguarding: subject-access decisions")
    decisions = SubjectAccessDecision.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil)
    context = {"pupil": pupil, "form": form, "decisions": decisions.select_related("decided_by")}
    status = 400 if request.method == "POST" else 200
    return render(request, "safeguarding/subject_access.html", context, status=status)


@require_GET
def retention_review(request: HttpRequest) -> HttpResponse:
    """Files past date of birth + 25 years, listed by the retention job for the DSL's review."""
    from safeguarding.selectors.retention import review_list

    if not permissions.is_dsl_team(request.user):
        raise PermissionDenied
    rows = list(review_list(request.user)[:500])
    for row in rows:
        record_read(actor=request.user, obj=row.pupil, note="safeguarding: listed for retention review")
    return render(request, "safeguarding/retention.html", {"rows": rows})
