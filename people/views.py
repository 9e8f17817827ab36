from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import can_edit_pupil, can_view_group, can_view_pupil, get_for_user
from audit.models import AuditEvent
from audit.services import record_event, record_read
from core.http import HtmxHttpRequest
from core.naturalsort import natural_sorted
from core.registry import GROUP_SECTIONS, PROFILE_SECTIONS, sections_for
from people import selectors, services
from people.forms import PupilForm, PupilSearchForm
from people.models import Group, Pupil, PupilContact
from people.permissions import can_export_subject_access
from people.subject_access import subject_access_document


@require_GET
def pupil_list(request: HtmxHttpRequest) -> HttpResponse:
    """Search the pupils (students in a college) you may see by name, UPN or ULN."""
    organisation = request.organisation
    form = PupilSearchForm(request.GET or None, organisations=[organisation] if organisation else [])
    query, year, sen = "", None, ""
    if form.is_valid():
        query, year, sen = form.cleaned_data["q"], form.cleaned_data["year"], form.cleaned_data["sen"]
    pupils = selectors.pupil_search(user=request.user, query=query, year_group=year, sen=sen)
    page = Paginator(pupils, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    template = "people/pupil_list.html#results" if request.htmx else "people/pupil_list.html"
    return render(
        request,
        template,
        {"form": form, "page_obj": page, "querystring_prefix": (params.urlencode() + "&") if params else ""},
    )


@require_GET
def pupil_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A pupil's profile: details, contacts, groups, and a section for each part of their care."""
    pupil = get_for_user(
        request.user, Pupil.objects.select_related("site", "organisation"), can_view_pupil, pk=pk
    )
    # The profile shows SEN status: a sensitive read, so it is audited.
    record_read(actor=request.user, obj=pupil, note="pupil profile")
    contacts = PupilContact.objects.filter(pupil=pupil).select_related("contact")
    sections = sections_for(PROFILE_SECTIONS, request, pupil)
    return render(
        request,
        "people/pupil_detail.html",
        {
            "pupil": pupil,
            "contacts": contacts,
            "memberships": selectors.current_groups(pupil),
            "sections": sections,
            "can_edit": can_edit_pupil(request.user, pupil),
            "can_export": can_export_subject_access(request.user, pupil),
        },
    )


@require_http_methods(["GET", "POST"])
def pupil_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_for_user(request.user, Pupil, can_edit_pupil, pk=pk)
    form = PupilForm(request.POST or None, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.pupil_update(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)  # the model's errors, each on its field
        else:
            messages.success(request, f"{saved.display_name}'s details are saved.")
            return redirect("people:pupil_detail", pk=pupil.pk)
    return render(request, "people/pupil_edit.html", {"pupil": pupil, "form": form})


@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_for_user(request.user, Group.objects.select_related("site"), can_view_group, pk=pk)
    members = selectors.group_members(group)
    staff = group.staff_roles.current().select_related("user")
    sections = sections_for(GROUP_SECTIONS, request, group)
    return render(
        request,
        "people/group_detail.html",
        {"group": group, "members": members, "staff": staff, "sections": sections},
    )


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    groups = selectors.groups_with_counts(user=request.user).select_related("site")
    kind = request.GET.get("kind")
    if kind in Group.Kind.values:
        groups = groups.filter(kind=kind)
    page = Paginator(natural_sorted(groups, key=lambda g: g.name), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/group_list.html",
        {
            "page_obj": page,
            "kinds": Group.Kind.choices,
            "kind": kind,
            "querystring_prefix": f"kind={kind}&" if kind else "",
        },
    )


@require_GET
def pupil_subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held on one pupil as a JSON download (a subject-access request)."""
    pupil = get_for_user(
        request.user, Pupil.objects.select_related("organisation"), can_export_subject_access, pk=pk
    )
    record_event(action=AuditEvent.Action.EXPORT, actor=request.user, obj=pupil, note="subject-access export")
    response = HttpResponse(
        json.dumps(subject_access_document(pupil), indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="subject-access-{pupil.pk}.json"'
    return response
