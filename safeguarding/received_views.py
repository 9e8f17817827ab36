"""Files received from children's previous schools: putting one on a child's file (a transfer sent here through
Pastoral, or an upload from a school elsewhere), the list of those received, and their original PDF and JSON.

The DSL team of this school only, with a fresh second factor; every read is audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from access.permissions import get_for_user
from audit.services import record_read, record_reads
from core.forms import saved_by
from core.uploads import download_response
from safeguarding import permissions, stepup
from safeguarding.cp_file import read_bounded
from safeguarding.models import ReceivedFile
from safeguarding.received_forms import AttachForm, UploadForm
from safeguarding.selectors.received import visible_received
from safeguarding.services import received as services
from safeguarding.transfer_views import _incoming


def _done(request: HttpRequest, record: ReceivedFile) -> HttpResponse:
    messages.success(
        request,
        f"The file from {record.from_school} is on {record.pupil.display_name}'s chronology "
        f"({len(record.rows)} record(s), marked “From {record.from_school}”).",
    )
    return redirect("safeguarding:chronology", pupil_pk=record.pupil_id)


@require_http_methods(["GET", "POST"])
def received(request: HttpRequest) -> HttpResponse:
    """Files received from previous schools, and the upload of one sent from a school elsewhere."""
    if not permissions.is_dsl_team(request.user):
        raise PermissionDenied
    if wait := stepup.step_up_redirect(request):
        return wait
    pupils = permissions.visible_files(request.user)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        pupils=pupils,
        initial={"pupil": request.GET.get("pupil")},
    )
    saved = saved_by(
        request,
        form,
        lambda data: services.receive_upload(
            actor=request.user, pupil=data["pupil"], name=data["file"].name, data=read_bounded(data["file"])
        ),
    )
    if saved is not None:
        return _done(request, saved)
    rows = list(visible_received(request.user)[:200])
    record_reads(actor=request.user, objs=rows, note="safeguarding: received file listed")
    status = 400 if request.method == "POST" else 200
    return render(request, "safeguarding/received.html", {"form": form, "rows": rows}, status=status)


@require_http_methods(["GET", "POST"])
def incoming_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a file another Pastoral school sent here on one of this school's pupils' files."""
    transfer = _incoming(request, pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    pupils = permissions.visible_files(request.user).filter(organisation_id=transfer.to_organisation_id)
    form = AttachForm(request.POST or None, pupils=pupils)
    saved = saved_by(
        request,
        form,
        lambda data: services.receive_transfer(actor=request.user, transfer=transfer, pupil=data["pupil"]),
    )
    if saved is not None:
        return _done(request, saved)
    record_read(
        actor=request.user, obj=transfer, note="safeguarding: incoming file, to put on a child's file"
    )
    status = 400 if request.method == "POST" else 200
    context = {"transfer": transfer, "form": form}
    return render(request, "safeguarding/incoming_attach.html", context, status=status)


@require_GET
def received_file(request: HttpRequest, pk: int, what: str) -> FileResponse:
    """The received PDF or JSON as it came, as a download."""
    record = _received(request, pk)
    if wait := stepup.step_up_redirect(request):
        return wait  # type: ignore[return-value]
    stored = record.pdf if what == "pdf" else record.document
    if not stored:
        raise PermissionDenied("Only the JSON of this file was received.")
    record_read(actor=request.user, obj=record, note=f"safeguarding: received CP file ({what})")
    kind = "application/pdf" if what == "pdf" else "application/json"
    return download_response(stored, filename=f"cp-file-received-{record.pk}.{what}", content_type=kind)


def _received(request: HttpRequest, pk: int) -> ReceivedFile:
    return get_for_user(
        request.user,
        ReceivedFile.objects.select_related("pupil"),
        lambda user, r: permissions.can_view_file(user, r.pupil),
        pk=pk,
    )
