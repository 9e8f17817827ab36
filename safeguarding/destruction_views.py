"""The DSL destroys a child's safeguarding file after its retention review (a confirmation page naming what will
go, with a recorded reason), or puts it under a legal hold. Outsiders 404, every role but the DSL 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from access.permissions import get_for_user
from audit.services import record_read
from core.forms import apply_validation_error
from people.models import Pupil
from safeguarding import stepup
from safeguarding.forms import DestroyForm, HoldForm
from safeguarding.models import FileHold
from safeguarding.services import destruction


def _pupil(request: HttpRequest, pupil_pk: int) -> Pupil:
    return get_for_user(request.user, Pupil, destruction.can_destroy, pk=pupil_pk)


def _page(request: HttpRequest, pupil: Pupil, form: DestroyForm, status: int = 200) -> HttpResponse:
    record_read(actor=request.user, obj=pupil, note="safeguarding: destruction after review")
    context = {
        "pupil": pupil,
        "form": form,
        "hold_form": HoldForm(),
        "refusal": destruction.refusal(pupil, timezone.localdate()),
        "counts": destruction.file_records(pupil).counts(),
        "hold": destruction.active_hold(pupil),
        "holds": FileHold.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil),
    }
    return render(request, "safeguarding/destroy.html", context, status=status)


@require_http_methods(["GET", "POST"])
def file_destroy(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    """What will go, whether it may, and (when it may) the reason and confirmation that destroy it."""
    pupil = _pupil(request, pupil_pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    form = DestroyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            destruction.file_destroy(actor=request.user, pupil=pupil, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, "The safeguarding file was destroyed; the record of its destruction stays."
            )
            return redirect("safeguarding:retention")
    return _page(request, pupil, form, status=400 if request.method == "POST" else 200)


@require_POST
def file_hold(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    """Place a legal hold on the file, or lift the one in force (`lift=1`), with the reason."""
    pupil = _pupil(request, pupil_pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    form = HoldForm(request.POST)
    write = destruction.hold_lift if request.POST.get("lift") else destruction.hold_place
    if form.is_valid():
        try:
            write(actor=request.user, pupil=pupil, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, "Legal hold lifted." if request.POST.get("lift") else "Legal hold placed."
            )
    else:
        messages.error(request, "Say why.")
    return redirect("safeguarding:destroy", pupil_pk=pupil.pk)
