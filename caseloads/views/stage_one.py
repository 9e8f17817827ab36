"""Stage-one disciplinary meetings: record one for a student, read it, print the letter to parents and carers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import get_for_user
from audit.services import record_read
from caseloads import services
from caseloads.forms import StageOneForm
from caseloads.models import StageOneMeeting
from caseloads.permissions import can_read_student, can_write_student
from core.forms import apply_validation_error
from people.models import Pupil

MEETINGS = StageOneMeeting.objects.select_related("pupil", "organisation", "chaired_by", "incident")


@require_http_methods(["GET", "POST"])
def stage_one_add(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_for_user(request.user, Pupil.objects.select_related("organisation"), can_write_student, pk=pk)
    initial = {"held_on": timezone.localdate(), "raised_from": request.GET.get("from", "direct")}
    form = StageOneForm(request.POST or None, pupil=pupil, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.stage_one_record(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Stage-one meeting recorded.")
            return redirect("caseloads:stage_one", pk=meeting.pk)
    return render(
        request,
        "caseloads/form_page.html",
        {
            "form": form,
            "title": f"Record a stage-one meeting with {pupil.display_name}",
            "button": "Record the meeting",
            "cancel_url": reverse("caseloads:ellp", args=[pupil.pk]),
        },
    )


@require_GET
def stage_one(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user(request.user, MEETINGS, lambda u, m: can_read_student(u, m.pupil), pk=pk)
    record_read(actor=request.user, obj=meeting)
    return render(
        request,
        "caseloads/stage_one.html",
        {
            "meeting": meeting,
            "letter": services.stage_one_letter_text(meeting),
            "can_print": can_write_student(request.user, meeting.pupil),
        },
    )


@require_GET
def stage_one_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter to parents and carers as a PDF, for those who may write about the student."""
    meeting = get_for_user(request.user, MEETINGS, lambda u, m: can_write_student(u, m.pupil), pk=pk)
    pdf = services.stage_one_letter_pdf(actor=request.user, meeting=meeting)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="stage-one-letter-{meeting.pk}.pdf"'
    return response
