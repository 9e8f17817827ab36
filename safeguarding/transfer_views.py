"""The child protection file's transfer: the sending DSL's page, the receiving school's single-use link (no
account needed), and files sent to this school through Pastoral."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.permissions import get_for_user, reachable_organisation_ids
from audit.models import AuditEvent
from audit.services import record_event, record_read, record_reads
from core.forms import saved_by
from people.models import Pupil
from safeguarding import permissions, stepup
from safeguarding.forms import ReceiptForm, TransferForm
from safeguarding.models import FileTransfer
from safeguarding.selectors import transfers as selectors
from safeguarding.services import transfers as services


def _zip_response(transfer: FileTransfer, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="cp-file-transfer-{transfer.pk}.zip"'
    return response


@require_http_methods(["GET", "POST"])
def pupil_transfers(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    """Send the file to the child's next school, and the log of what was sent, when, to whom, and its receipt."""
    pupil = get_for_user(request.user, Pupil, permissions.can_view_file, pk=pupil_pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    form = TransferForm(request.POST or None, organisation_id=pupil.organisation_id)
    sent = saved_by(
        request, form, lambda data: services.transfer_send(actor=request.user, pupil=pupil, **data)
    )
    link = ""
    if sent is not None:
        transfer, token = sent
        link = request.build_absolute_uri(f"/safeguarding/transfer/{token}/")
        messages.success(
            request, f"Transfer #{transfer.pk} recorded. Send the link below to {transfer.to_name}."
        )
        form = TransferForm(organisation_id=pupil.organisation_id)
    record_read(actor=request.user, obj=pupil, note="safeguarding: file transfers")
    rows = pupil.safeguarding_transfers.select_related("sent_by", "to_organisation")
    context = {"pupil": pupil, "form": form, "link": link, "states": [selectors.state(t) for t in rows]}
    status = 400 if request.method == "POST" and sent is None else 200
    return render(request, "safeguarding/transfers.html", context, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def transfer_link(request: HttpRequest, token: str) -> HttpResponse:
    """The receiving school's DSL downloads the file once, then confirms receipt."""
    try:
        transfer = services.transfer_by_token(token)
    except services.LinkUnusable as problem:
        return render(request, "safeguarding/transfer_unusable.html", {"message": str(problem)}, status=404)
    form = ReceiptForm(request.POST if request.POST.get("do") == "confirm" else None)
    if request.method == "POST" and request.POST.get("do") == "download":
        try:
            data = services.transfer_fetch(transfer=transfer)
        except services.LinkUnusable as problem:
            return render(
                request, "safeguarding/transfer_unusable.html", {"message": str(problem)}, status=410
            )
        record_event(
            action=AuditEvent.Action.EXPORT, obj=transfer, note="safeguarding: CP file fetched by link"
        )
        return _zip_response(transfer, data)
    if saved_by(request, form, lambda data: services.transfer_confirm(transfer=transfer, name=data["name"])):
        return render(request, "safeguarding/transfer_done.html", {"transfer": transfer})
    state = selectors.state(transfer)
    return render(
        request, "safeguarding/transfer_link.html", {"transfer": transfer, "state": state, "form": form}
    )


def _incoming(request: HttpRequest, pk: int) -> FileTransfer:
    """A file sent to this school: 404 outside the user's organisations (sending or receiving), 403 for anyone
    but the receiving school's DSL team."""
    reach = reachable_organisation_ids(request.user)
    return get_for_user(
        request.user,
        FileTransfer.objects.select_related("pupil", "organisation"),
        lambda user, t: bool(t.to_organisation_id) and permissions.is_dsl_team(user, t.to_organisation_id),
        pk=pk,
        visible=Q(organisation_id__in=reach) | Q(to_organisation_id__in=reach),
    )


@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    """Files other Pastoral schools sent to this school's DSL team."""
    if not permissions.is_dsl_team(request.user):
        raise PermissionDenied
    states = [selectors.state(t) for t in selectors.incoming(request.user)[:200]]
    record_reads(
        actor=request.user, objs=[s.transfer for s in states], note="safeguarding: incoming file listed"
    )
    attached = selectors.attached_refs([s.transfer for s in states])
    rows = [(s, s.transfer.pk in attached) for s in states]
    return render(request, "safeguarding/incoming.html", {"rows": rows})


@require_POST
def incoming_fetch(request: HttpRequest, pk: int) -> HttpResponse:
    """The receiving DSL downloads a file sent through Pastoral (once)."""
    transfer = _incoming(request, pk)
    if wait := stepup.step_up_redirect(request):
        return wait
    try:
        data = services.transfer_fetch(transfer=transfer)
    except services.LinkUnusable as problem:
        messages.error(request, str(problem))
        return redirect("safeguarding:incoming")
    record_event(
        action=AuditEvent.Action.EXPORT,
        actor=request.user,
        obj=transfer,
        note="safeguarding: CP file received",
    )
    return _zip_response(transfer, data)


@require_POST
def incoming_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The receiving DSL confirms receipt in Pastoral."""
    transfer = _incoming(request, pk)
    try:
        services.transfer_confirm(transfer=transfer, name=request.user.full_name, actor=request.user)  # type: ignore[union-attr]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Receipt confirmed for the file of {transfer.pupil.display_name}.")
    return redirect("safeguarding:incoming")
