from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit import services
from audit.forms import AuditFilterForm, AuditSettingsForm
from audit.models import AuditEvent
from audit.permissions import audit_organisation_ids, can_edit_settings
from audit.selectors import audit_events
from audit.services import record_event
from core.exports import export_response
from core.http import HtmxHttpRequest

# What an event about a safeguarding record shows a reader outside the school's DSL team (`safeguarding_withheld`).
WITHHELD = "Safeguarding record: its details are for the DSL team only"


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    if not audit_organisation_ids(request.user):
        raise PermissionDenied("Only administrators and senior leaders read the audit log.")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A filter the form refuses (an action the log never holds) matches nothing, never every event.
        return form, audit_events(user=request.user).none()
    filters = {k: v for k, v in (form.cleaned_data if form.is_bound else {}).items() if v}
    return form, audit_events(user=request.user, **filters)


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """The audit log of your organisations: who did what, when, old → new."""
    form, events = _filtered(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_prefix": (params.urlencode() + "&") if params else "",
            "export_query": params.urlencode(),
            "withheld": WITHHELD,
            "watches_sign_ins": _watches_sign_ins(request),
        },
    )


def _watches_sign_ins(request: HttpRequest) -> bool:
    """Whether to point to "Accounts under attack": only for those who may open it (the school administrator)."""
    from accounts.permissions import can_watch_sign_ins

    organisation = getattr(request, "organisation", None)
    return organisation is not None and can_watch_sign_ins(request.user, organisation)


@require_GET
def event_export(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    fmt = request.GET.get("format", "csv")
    record_event(
        action=AuditEvent.Action.EXPORT,
        actor=request.user,
        object_type="audit.AuditEvent",
        organisation_id=getattr(getattr(request, "organisation", None), "pk", None),
        note=f"audit export {request.GET.urlencode()}",
    )  # type: ignore[attr-defined]
    rows = (
        [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_label,
            e.get_action_display(),
            e.organisation.name if e.organisation else "",
            e.object_type,
            e.object_id,
            *(
                [WITHHELD, "", ""]
                if e.withheld  # type: ignore[attr-defined]  # annotated by audit_events
                else [e.object_repr, json.dumps(e.changes, ensure_ascii=False), e.note]
            ),
            e.ip_address or "",
        ]
        for e in events.iterator(chunk_size=2000)
    )
    header = [
        "When",
        "Who",
        "Action",
        "Organisation",
        "Record type",
        "Record id",
        "Record",
        "Changes (old, new)",
        "Note",
        "IP address",
    ]
    return export_response(fmt, "audit-log", header, rows, title="Audit log")


@require_http_methods(["GET", "POST"])
def settings_edit(request: HtmxHttpRequest) -> HttpResponse:
    """How many years the organisation you are working in keeps its audit events."""
    organisation = request.organisation
    if organisation is None or not can_edit_settings(request.user, organisation):
        raise PermissionDenied
    form = AuditSettingsForm(request.POST or None, instance=services.settings_for(organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(
                actor=request.user, organisation=organisation, events_years=form.cleaned_data["events_years"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Saved: the period applies from the next retention run.")
            return redirect("audit:event_list")
    return render(request, "audit/settings.html", {"form": form, "organisation": organisation})
