"""The early-warning list, one student's explanation with the review, and the school's settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from access.permissions import (
    access_for,
    get_for_user,
    schools_reached,
    visible_groups,
    visible_pupils,
)
from access.roles import Role
from audit.services import record_event, record_read
from core.exports import export_response
from core.naturalsort import natural_sorted
from early_warning import selectors, services
from early_warning.forms import ReviewForm, SettingsForm
from early_warning.permissions import can_change_settings, can_read_list, can_view_warning
from organisations.models import Organisation
from people.models import GroupMembership, Pupil

SENSITIVE_READS = {"child_protection", "looked_after"}  # reading these on a student's page is audited
SCOPES = [("all", "Everyone I may see"), ("caseload", "My caseload")]


def _organisation(request: HttpRequest) -> Any:
    organisation = getattr(request, "organisation", None)
    if organisation is None or not organisation.is_school_like:
        raise PermissionDenied("Choose a school first.")
    if not can_read_list(request.user, organisation.pk):
        raise PermissionDenied(
            "The early-warning list is for pastoral leaders, the DSL team and senior leaders."
        )
    return organisation


def _narrow(request: HttpRequest, pupils: Any) -> tuple[Any, dict[str, Any]]:
    """Apply the filters: caseload (the PAL's groups), year, site, group."""
    chosen: dict[str, Any] = {
        "scope": request.GET.get("scope", "all"),
        "year": None,
        "site": None,
        "group": None,
    }
    today = timezone.localdate()
    if chosen["scope"] == "caseload":  # the groups of the user's PAL role assignments
        groups = [g.group_id for g in access_for(request.user).grants if g.role == Role.PAL and g.group_id]
        members = GroupMembership.objects.current(today).filter(group_id__in=groups)
        pupils = pupils.filter(pk__in=members.values("pupil_id"))
    year = request.GET.get("year", "")
    if year.isdigit():
        chosen["year"] = int(year)
        pupils = pupils.filter(year_group=int(year))
    site = request.GET.get("site", "")
    if site.isdigit():
        chosen["site"] = int(site)
        pupils = pupils.filter(site_id=int(site))
    group_id = request.GET.get("group", "")
    if group_id.isdigit():
        group = visible_groups(request.user).filter(pk=int(group_id)).first()
        if group is None:
            raise Http404("No such group.")
        chosen["group"] = group
        pupils = pupils.filter(
            pk__in=GroupMembership.objects.current(today).filter(group=group).values("pupil_id")
        )
    return pupils, chosen


def _export(
    request: HttpRequest, organisation: Organisation, entries: list[selectors.Entry], fmt: str
) -> HttpResponse:
    # Filed under the school (or group of schools) whose list it is, so its audit log shows who took it out.
    record_event(
        action="export",
        organisation_id=organisation.pk,
        note=f"early-warning list, {len(entries)} students, {fmt}",
    )
    header = ["Student", "Year", "School", "Score", "New this week", "Needs action", "Reviewed on", "Reasons"]
    rows = [
        [
            e.pupil.display_name,
            e.pupil.year_label,
            e.pupil.organisation.name,
            e.score,
            "yes" if e.is_new else "no",
            "yes" if e.needs_action else "no",
            e.review.reviewed_on.isoformat() if e.review else "",
            "; ".join(line.text for line in e.lines),
        ]
        for e in entries
    ]
    return export_response(fmt, "early-warning", header, rows, "Early warning")


@require_http_methods(["GET"])
def warning_list(request: HttpRequest) -> HttpResponse:
    """The students flagged in the user's scope, highest score first, each reason in words."""
    organisation = _organisation(request)
    today = timezone.localdate()
    pupils, chosen = _narrow(request, visible_pupils(request.user))
    schools = schools_reached(request.user, organisation)
    entries = selectors.list_entries(request.user, schools, today, pupils)
    if request.GET.get("action_only") == "1":
        entries = [e for e in entries if e.needs_action]
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return _export(request, organisation, entries, fmt)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "early_warning/list.html",
        {
            "page_obj": Paginator(entries, 50).get_page(request.GET.get("page")),
            "count": len(entries),
            "new_count": sum(1 for e in entries if e.is_new),
            "action_count": sum(1 for e in entries if e.needs_action),
            "chosen": chosen,
            "scopes": SCOPES,
            "years": sorted(set(visible_pupils(request.user).values_list("year_group", flat=True))),
            "groups": natural_sorted(visible_groups(request.user).filter(kind="tutor"), key=lambda g: g.name),
            "sites": organisation.sites.all() if hasattr(organisation, "sites") else [],
            "querystring_prefix": (query.urlencode() + "&") if query else "",
            "query": query.urlencode(),
            "is_group": len(schools) > 1 or organisation.kind == Organisation.Kind.GROUP,
            "can_change_settings": _may_change_settings(request.user, organisation),
            "settings_at_a_school": organisation.kind == Organisation.Kind.GROUP
            and any(_may_change_settings(request.user, school) for school in schools),
        },
    )


@require_http_methods(["GET", "POST"])
def pupil(request: HttpRequest, pk: int) -> HttpResponse:
    """One student's score, explained line by line, and the "reviewed — support in place" form."""
    found = get_for_user(request.user, Pupil, can_view_warning, pk=pk)
    entry = selectors.pupil_entry(request.user, found, timezone.localdate())
    if any(line.key in SENSITIVE_READS for line in entry.lines):
        record_read(
            actor=request.user, obj=found, note="early-warning explanation showing a protection status"
        )
    form = ReviewForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.review_mark(
            actor=request.user,
            pupil=found,
            note=form.cleaned_data["note"],
            reviewed_on=form.cleaned_data["reviewed_on"],
            score=entry.full_score,
            lines=entry.points,
        )
        messages.success(request, f"{found.display_name} is marked reviewed — support in place.")
        return redirect("early_warning:pupil", pk=found.pk)
    flag_at = int(selectors.settings_values(found.organisation)["flag_at"])
    return render(
        request,
        "early_warning/pupil.html",
        {"entry": entry, "form": form, "flag_at": flag_at, "pupil": found},
    )


def _may_change_settings(user: Any, organisation: Organisation) -> bool:
    """A school's senior leader sets its thresholds; a group of schools has none of its own (each school sets them)."""
    return organisation.kind != Organisation.Kind.GROUP and can_change_settings(user, organisation.pk)


@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    """Thresholds and weights for the school, with a preview of how many students a change would flag."""
    organisation = _organisation(request)
    if not _may_change_settings(request.user, organisation):
        raise PermissionDenied("A senior leader of the school sets its early-warning thresholds.")
    values = selectors.settings_values(organisation)
    form = SettingsForm(request.POST or None, values=values)
    preview = None
    if request.method == "POST" and form.is_valid():
        proposed = {**values, **form.values()}
        if request.POST.get("action") == "save":
            services.settings_save(actor=request.user, organisation=organisation, values=proposed)
            messages.success(request, "Early-warning settings saved.")
            return redirect("early_warning:settings")
        preview = selectors.preview(organisation, timezone.localdate(), proposed)
        # How many students a sensitive indicator is on for is the DSL's to know: counts of what the senior
        # leader may not see are left out ("—").
        keys = selectors.visible_keys(request.user, organisation.pk)
        preview["per_indicator"] = {k: (n if k in keys else "—") for k, n in preview["per_indicator"].items()}
    return render(request, "early_warning/settings.html", {"form": form, "preview": preview})
