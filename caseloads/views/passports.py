"""Passports and progression: the school's checklists (senior leaders), a student's checklist with evidence and
their progression (on the eLLP), completion per group and caseload; and a group's parents' evening list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import get_for_user
from caseloads import selectors_passports as selectors
from caseloads.forms_coaching import CompletionForm, PassportForm, PassportItemForm, ProgressionForm
from caseloads.models import Passport, PassportCompletion, PassportItem
from caseloads.permissions import can_read_group, caseload_group_ids, visible_groups_q
from caseloads.permissions_coaching import can_manage_passports, can_read_student, can_write_student
from caseloads.services import passports as services
from caseloads.views.common import organisation_for
from core.forms import apply_validation_error
from core.naturalsort import natural_sorted
from people.models import Group, Pupil

PUPILS = Pupil.objects.select_related("organisation")


@require_http_methods(["GET", "POST"])
def passports(request: HttpRequest) -> HttpResponse:
    """The school's passports, and a form to add one (senior leaders and administrators)."""
    organisation = organisation_for(request, can_manage_passports)
    form = PassportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passport = services.passport_save(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{passport.name} added: now give it its items.")
            return redirect("caseloads:passport", pk=passport.pk)
    rows = selectors.passports(organisation, active_only=False)
    context = {
        "passports": rows,
        "form": form,
        # Completion is per group: offered to those with groups to show (not a group of schools' own page).
        "may_see_completion": _completion_groups(request, organisation).exists(),
    }
    return render(request, "caseloads/passports.html", context)


@require_http_methods(["GET", "POST"])
def passport(request: HttpRequest, pk: int) -> HttpResponse:
    """A passport's checklist, with a form to add an item."""
    passport = get_for_user(
        request.user,
        Passport.objects.select_related("organisation"),
        lambda u, p: can_manage_passports(u, p.organisation),
        pk=pk,
    )
    form = PassportItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.passport_item_add(
                actor=request.user, passport=passport, title=form.cleaned_data["title"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Item added.")
            return redirect("caseloads:passport", pk=passport.pk)
    return render(request, "caseloads/passport.html", {"passport": passport, "form": form})


def _completion_groups(request: HttpRequest, organisation: Any) -> QuerySet[Group]:
    """The groups whose passport completion the user sees: their caseload's at this school, or else the teaching
    groups they may read there (a PAL elsewhere who leads here sees this school's)."""
    mine = caseload_group_ids(request.user, organisation.pk)
    if mine:
        return Group.objects.filter(organisation=organisation, pk__in=mine)
    return Group.objects.filter(visible_groups_q(request.user), organisation=organisation).exclude(
        kind__in=["year", "house"]
    )


@require_GET
def completion(request: HttpRequest) -> HttpResponse:
    """Passport completion per group and for the caseload (a PAL's groups; a leader's or head of year's)."""
    organisation = organisation_for(request)
    groups = natural_sorted(
        _completion_groups(request, organisation).select_related("organisation"), key=lambda g: g.name
    )
    if not groups:
        raise PermissionDenied("Passport completion is for PALs, heads of year and senior leaders.")
    table = selectors.passport_completion(groups, timezone.localdate())
    table["rows"] = [r for r in table["rows"] if r["cells"] and r["cells"][0]["students"]]
    return render(request, "caseloads/passport_completion.html", {"table": table})


@require_http_methods(["GET", "POST"])
def student_passports(request: HttpRequest, pk: int) -> HttpResponse:
    """A student's checklists: each item done (when, evidence) or a small form to record it."""
    pupil = get_for_user(request.user, PUPILS, can_read_student, pk=pk)
    can_write = can_write_student(request.user, pupil)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("You may not record passports for this student.")
        item = get_object_or_404(
            PassportItem, organisation_id=pupil.organisation_id, pk=request.POST.get("item")
        )
        form = CompletionForm(request.POST, prefix=f"i{item.pk}")
        if form.is_valid():
            try:
                services.passport_item_complete(
                    actor=request.user, item=item, pupil=pupil, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, f"{item.title}: recorded.")
                return redirect(reverse("caseloads:student_passports", args=[pupil.pk]) + f"#item-{item.pk}")
        messages.error(
            request, f"{item.title}: " + "; ".join(str(e) for errs in form.errors.values() for e in errs)
        )
        return redirect("caseloads:student_passports", pk=pupil.pk)
    checklists = selectors.student_passports(pupil)
    today = timezone.localdate()
    for checklist in checklists:
        checklist["rows"] = [
            (
                item,
                done,
                CompletionForm(prefix=f"i{item.pk}", initial={"completed_on": today})
                if can_write and not done
                else None,
            )
            for item, done in checklist["items"]
        ]
    return render(
        request,
        "caseloads/student_passports.html",
        {"pupil": pupil, "checklists": checklists, "can_write": can_write},
    )


@require_POST
def completion_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back an item recorded by mistake."""
    row = get_for_user(
        request.user,
        PassportCompletion.objects.select_related("pupil__organisation", "item"),
        lambda u, c: can_write_student(u, c.pupil),
        pk=pk,
    )
    services.passport_item_uncomplete(actor=request.user, completion=row)
    messages.success(request, f"{row.item.title}: taken back.")
    return redirect("caseloads:student_passports", pk=row.pupil_id)


@require_http_methods(["GET", "POST"])
def progression(request: HttpRequest, pk: int) -> HttpResponse:
    """A student's progression targets and destination."""
    pupil = get_for_user(request.user, PUPILS, can_write_student, pk=pk)
    current = selectors.progression_for(pupil)
    initial = (
        {
            "targets": current.targets,
            "destination": current.destination,
            "destination_status": current.destination_status,
        }
        if current
        else {}
    )
    form = ProgressionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.progression_save(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Progression saved.")
            return redirect("caseloads:ellp", pk=pupil.pk)
    return render(
        request,
        "caseloads/form_page.html",
        {
            "form": form,
            "title": f"Progression: {pupil.display_name}",
            "button": "Save",
            "cancel_url": reverse("caseloads:ellp", args=[pupil.pk]),
        },
    )


@require_GET
def parents_evening(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's parents' evening list: headline figures and concerns per student, printable."""
    group = get_for_user(request.user, Group.objects.select_related("organisation"), can_read_group, pk=pk)
    today = timezone.localdate()
    rows = selectors.parents_evening(group, today)
    return render(request, "caseloads/parents_evening.html", {"group": group, "rows": rows, "today": today})


def ellp_context(user: Any, pupil: Any) -> dict[str, Any]:
    """What the eLLP page shows of coaching, listening notes, passports and progression (`ellp_more.html`)."""
    from caseloads.permissions_coaching import can_write_note

    note_writer = can_write_note(user, pupil)
    return {
        "coaching": list(selectors.student_coaching(pupil)[:10]),
        "note_writer": note_writer,
        "listening_notes": list(selectors.student_notes(pupil)) if note_writer else [],
        "checklists": selectors.student_passports(pupil),
        "progression": selectors.progression_for(pupil),
    }
