"""The notices of a suspension or exclusion: who must be told, sending them, and where the school sends them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from access.permissions import get_for_user
from audit.services import record_read
from behaviour import selectors, services
from behaviour.forms import NoticeAddressesForm, NoticeSendForm
from behaviour.models import NoticeAddresses, Suspension
from behaviour.permissions import can_change_suspension, can_manage_categories
from core.http import HtmxHttpRequest


@require_http_methods(["GET", "POST"])
def suspension_notices(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Who the guidance says to tell of this suspension, whether now or in the termly return, who has been told,
    and one button to e-mail everyone due a notice now (parents and carers with the letter)."""
    suspension = get_for_user(
        request.user,
        Suspension.objects.select_related("pupil", "organisation"),
        can_change_suspension,
        pk=pk,
    )
    record_read(actor=request.user, obj=suspension, note="suspension notices")
    form = NoticeSendForm(request.POST or request.GET or None)
    misses_exam = form.is_valid() and form.cleaned_data["misses_exam"]
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.suspension_notices_send(
                actor=request.user, suspension=suspension, misses_exam=misses_exam
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{len(sent)} notice{'s' if len(sent) != 1 else ''} sent.")
            return redirect("behaviour:suspension_notices", pk=suspension.pk)
    parties = selectors.suspension_parties(suspension, misses_exam=misses_exam)
    return render(
        request,
        "behaviour/suspension_notices.html",
        {
            "suspension": suspension,
            "form": form,
            "parties": parties,
            "due": [p for p in parties if p.can_send],
            "notices": suspension.notices.select_related("sent_by"),
            # The addresses page is the school administrators' and senior leaders' (notice_addresses).
            "may_keep_addresses": request.organisation is not None
            and can_manage_categories(request.user, request.organisation.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def notice_addresses(request: HttpRequest) -> HttpResponse:
    """The school's addresses for the governing board and the local authority's exclusions team."""
    organisation = request.organisation  # type: ignore[attr-defined]  # set by access.middleware
    if organisation is None or not can_manage_categories(request.user, organisation.pk):
        raise PermissionDenied("School administrators and senior leaders keep the notice addresses.")
    instance = NoticeAddresses.objects.filter(organisation=organisation).first() or NoticeAddresses(
        organisation=organisation
    )
    form = NoticeAddressesForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.notice_addresses_save(actor=request.user, addresses=form.instance)
        messages.success(request, "The notice addresses are saved.")
        return redirect("behaviour:notice_addresses")
    return render(request, "behaviour/notice_addresses.html", {"form": form, "organisation": organisation})
