"""Coaching sessions and the listening service: record and read a student's coaching, the PAL's coaching list;
listening notes (the student's PAL and the DSL team only, every read audited), and a note's two ways on: a
referral through the safeguarding app, or passed to the DSL as a concern."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import get_for_user
from audit.services import record_read
from caseloads import selectors_passports as selectors
from caseloads.forms_coaching import CoachingForm, NoteForm, PassToDslForm, ReferForm
from caseloads.models import CoachingSession, ListeningNote
from caseloads.permissions import is_pal
from caseloads.permissions_coaching import can_read_note, can_read_student, can_write_note, can_write_student
from caseloads.services import coaching as services
from core.forms import saved_by
from people.models import Pupil

PUPILS = Pupil.objects.select_related("organisation")
SESSIONS = CoachingSession.objects.select_related("pupil", "coach", "organisation")
NOTES = ListeningNote.objects.select_related("pupil__organisation", "written_by", "referral", "concern")


def _form_page(request: HttpRequest, form: Any, title: str, button: str, cancel: str, lead: str = "") -> Any:
    return render(
        request,
        "caseloads/form_page.html",
        {"form": form, "title": title, "button": button, "cancel_url": cancel, "lead": lead},
    )


@require_http_methods(["GET", "POST"])
def coaching_add(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_for_user(request.user, PUPILS, can_write_student, pk=pk)
    form = CoachingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    session = saved_by(
        request, form, lambda data: services.coaching_record(actor=request.user, pupil=pupil, **data)
    )
    if session is not None:
        messages.success(request, "Coaching session recorded.")
        return redirect("caseloads:coaching", pk=session.pk)
    title = f"Record a coaching session with {pupil.display_name}"
    return _form_page(request, form, title, "Record the session", reverse("caseloads:ellp", args=[pupil.pk]))


@require_GET
def coaching(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_for_user(request.user, SESSIONS, lambda u, s: can_read_student(u, s.pupil), pk=pk)
    record_read(actor=request.user, obj=session, note="coaching session")
    return render(request, "caseloads/coaching.html", {"session": session})


@require_GET
def coaching_list(request: HttpRequest) -> HttpResponse:
    """The PAL's coaching with their caseload's students, newest first."""
    if not is_pal(request.user):
        raise PermissionDenied("The coaching list is a PAL's.")
    page = Paginator(selectors.caseload_coaching(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "caseloads/coaching_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_for_user(request.user, PUPILS, can_write_note, pk=pk)
    form = NoteForm(request.POST or None, initial={"heard_on": timezone.localdate()})
    note = saved_by(request, form, lambda data: services.note_record(actor=request.user, pupil=pupil, **data))
    if note is not None:
        messages.success(request, "Listening note recorded.")
        return redirect("caseloads:note", pk=note.pk)
    lead = "Only you (the student's PAL) and the DSL team can read this note."
    title = f"Listening note: {pupil.display_name}"
    return _form_page(request, form, title, "Save the note", reverse("caseloads:ellp", args=[pupil.pk]), lead)


@require_GET
def notes(request: HttpRequest) -> HttpResponse:
    """The listening notes this user may read (their caseload's students; the DSL team's pupils)."""
    if not is_pal(request.user):
        from safeguarding.permissions import is_dsl_team

        if not is_dsl_team(request.user):
            raise PermissionDenied("Listening notes are for the student's PAL and the DSL team.")
    page = Paginator(selectors.visible_notes(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "caseloads/notes.html", {"page": page})


def _agencies(user: Any, note: ListeningNote) -> Any:
    """The school's active agencies this user may refer the student to (the safeguarding app's rule)."""
    from safeguarding.models import Agency
    from safeguarding.permissions import can_make_referral

    agencies = Agency.objects.filter(organisation_id=note.organisation_id, active=True)
    allowed = [a.pk for a in agencies if can_make_referral(user, note.pupil, a)]
    return agencies.filter(pk__in=allowed)


@require_GET
def note(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_for_user(request.user, NOTES, can_read_note, pk=pk)
    record_read(actor=request.user, obj=note, note="listening note")
    open_ = not (note.referral_id or note.concern_id)
    return render(
        request,
        "caseloads/note.html",
        {
            "note": note,
            "can_refer": open_ and _agencies(request.user, note).exists(),
            "can_pass": open_,
        },
    )


@require_http_methods(["GET", "POST"])
def note_refer(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the note a referral (signposting for a PAL; any agency for the DSL team)."""
    note = get_for_user(request.user, NOTES, can_read_note, pk=pk)
    agencies = _agencies(request.user, note)
    if not agencies.exists() or note.referral_id or note.concern_id:
        raise PermissionDenied("You may not make a referral from this note.")
    initial = {"reason": note.said, "made_on": timezone.localdate()}
    form = ReferForm(request.POST or None, agencies=agencies, initial=initial)
    if saved_by(request, form, lambda data: services.note_refer(actor=request.user, note=note, **data)):
        messages.success(request, "Referral made; the note is linked to it.")
        return redirect("caseloads:note", pk=note.pk)
    title = f"Refer {note.pupil.display_name} from a listening note"
    return _form_page(request, form, title, "Make the referral", reverse("caseloads:note", args=[note.pk]))


@require_http_methods(["GET", "POST"])
def note_pass(request: HttpRequest, pk: int) -> HttpResponse:
    """Pass the note to the DSL as a logged concern."""
    note = get_for_user(request.user, NOTES, can_read_note, pk=pk)
    if note.referral_id or note.concern_id:
        raise PermissionDenied("This note has already been passed on.")
    form = PassToDslForm(request.POST or None)
    if saved_by(request, form, lambda data: services.note_pass_to_dsl(actor=request.user, note=note, **data)):
        messages.success(request, "Passed to the DSL as a concern.")
        return redirect("caseloads:note", pk=note.pk)
    title = f"Pass {note.pupil.display_name}'s listening note to the DSL"
    lead = "The DSL team receives it as a logged concern, with the student's words as you recorded them."
    return _form_page(
        request, form, title, "Pass to the DSL", reverse("caseloads:note", args=[note.pk]), lead
    )
