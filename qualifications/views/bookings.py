"""Screens for bookings: booking places, the bookings list and detail, cancellations, withdrawals, mentor sessions, a participant's places and safeguarding records."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from people.selectors import staff_users
from qualifications import forms, selectors, services
from qualifications import permissions as perms
from qualifications.models import (
    Booking,
    Cluster,
    Enrolment,
    SafeguardingTraining,
)
from qualifications.templatetags.qualifications_money import format_gbp
from qualifications.views.shared import (
    booking_school,
    fetch_booking,
    fetch_enrolment,
    page_of,
    require,
)


def _place_requests(formset: Any) -> list[services.PlaceRequest]:
    """The places a valid booking formset asks for (rows left blank are skipped)."""
    return [
        services.PlaceRequest(
            participant=f.cleaned_data["participant"],
            mentor=f.cleaned_data["mentor"],
            is_aspiring=f.cleaned_data["is_aspiring"],
            head_discussion_on=f.cleaned_data.get("head_discussion_on"),
            head_discussion_notes=f.cleaned_data.get("head_discussion_notes", ""),
            ict_declared=f.cleaned_data.get("ict_declared", False),
        )
        for f in formset.forms
        if f.cleaned_data.get("participant")
    ]


def _booked(request: HttpRequest, booking: Booking, warnings: list[str]) -> HttpResponse:
    waiting = booking.enrolments.filter(status=Enrolment.Status.WAITLISTED).count()
    text = f"Booking {booking.invoice_number} is made; its invoice is e-mailed to you."
    if waiting:
        text += f" {waiting} on the waiting list: the cluster is full."
    messages.success(request, text)
    for warning in warnings:
        messages.warning(request, warning)
    return redirect("qualifications:booking_detail", pk=booking.pk)


@require_http_methods(["GET", "POST"])
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A school's CPD coordinator books staff into a cluster, naming each one's mentor."""
    cluster = perms.fetch(
        request.user,
        selectors.clusters_with_numbers(Cluster.objects.all()),
        perms.cluster_q(request.user),
        perms.can_book,
        pk=pk,
    )
    school = booking_school(request)
    if school is None:
        raise PermissionDenied("Only a school's CPD coordinator can book places.")
    today = timezone.localdate()
    quote, quote_error = None, ""
    try:
        quote = selectors.quote_fee(
            edition=cluster.edition, delivery_model=cluster.delivery_model, school=school, on=today
        )
    except ValidationError as error:
        quote_error = " ".join(error.messages)
    unsafeguarded = _unsafeguarded_staff(cluster, school, today)
    formset = forms.PlaceFormSet(
        request.POST or None,
        form_kwargs={
            "school": school,
            "cluster": cluster,
            "unsafeguarded_ids": frozenset(u.pk for u in unsafeguarded),
        },
        prefix="place",
    )
    form = forms.BookingForm(request.POST or None)
    # Said before anything is chosen: a cluster already under way (warning) or over (refusal).
    cluster_check = selectors.check_cluster_open(cluster=cluster, on=today)
    cluster_warnings, refusals = cluster_check.warnings, list(cluster_check.errors)
    warnings: list[str] = []
    if request.method == "POST" and formset.is_valid() and form.is_valid():
        try:
            booking, warnings = services.booking_create(
                actor=request.user,
                cluster=cluster,
                school=school,
                places=_place_requests(formset),
                on=today,
                purchase_order=form.cleaned_data["purchase_order"],
                warnings_acknowledged=form.cleaned_data["acknowledge_warnings"],
            )
        except services.BookingUnacknowledged as advice:
            warnings = [w for w in advice.warnings if w not in cluster_warnings]
            form.add_error("acknowledge_warnings", "Tick this to confirm you have read the advice above.")
        except ValidationError as error:
            refusals = error.messages
            warnings = [w for w in getattr(error, "warnings", []) if w not in cluster_warnings]
        else:
            return _booked(request, booking, warnings)
    return render(
        request,
        "qualifications/booking_create.html",
        {
            "cluster": cluster,
            "school": school,
            "formset": formset,
            "form": form,
            "quote": quote,
            "quote_error": quote_error,
            "warnings": warnings,
            "cluster_warnings": cluster_warnings,
            "closed": bool(cluster_check.errors),
            "refusals": refusals,
            "edition": cluster.edition,
            "unsafeguarded": unsafeguarded,
            "no_safeguarding_label": forms.NO_SAFEGUARDING_LABEL,
        },
    )


def _unsafeguarded_staff(cluster: Cluster, school: Any, on: Any) -> list[Any]:
    """The school's staff who cannot be booked on this cluster for want of a safeguarding training record (none when
    the programme does not require one): said on the page before anyone is chosen; the service still refuses."""
    if not cluster.edition.programme.requires_safeguarding:
        return []
    recorded = selectors.safeguarded_person_ids(school, on=on)
    return [u for u in staff_users(school) if u.pk not in recorded]


@require_GET
def booking_list(request: HttpRequest) -> HttpResponse:
    """A school's own bookings (CPD coordinator), or every booking of the provider (programme administrator)."""
    require(perms.is_booker(request.user) or perms.is_programme_admin(request.user))
    show = request.GET.get("show", "")
    lists = {"unpaid": selectors.unpaid_bookings, "overdue": selectors.overdue_bookings}
    qs = lists.get(show, selectors.visible_bookings)(request.user)
    return render(
        request,
        "qualifications/booking_list.html",
        {
            "page_obj": page_of(request, qs),
            "show": show,
            "querystring_prefix": f"show={show}&" if show else "",
            "is_admin": perms.is_programme_admin(request.user),
        },
    )


@require_GET
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = fetch_booking(request, pk, perms.can_view_booking)
    is_overdue = selectors.is_overdue(booking)
    enrolments = booking.enrolments.select_related(
        "participant", "mentor", "mentor_session", "safeguarding_record", "credit_note"
    )
    return render(
        request,
        "qualifications/booking_detail.html",
        {
            "booking": booking,
            "enrolments": enrolments,
            "credit_notes": booking.credit_notes.select_related("enrolment__participant"),
            "charges": selectors.invoice_charges(booking),
            "total": selectors.invoice_total(booking),
            "can_withdraw": perms.can_withdraw_enrolment(request.user, booking),
            "can_mark_paid": perms.can_mark_paid(request.user, booking),
            "can_send_invoice": perms.can_send_invoice(request.user, booking),
            "is_overdue": is_overdue,
            "can_remind": is_overdue and perms.can_send_payment_reminder(request.user, booking),
            "edition": booking.edition,
        },
    )


def _cancellation_point(enrolment: Enrolment, refund: selectors.RefundQuote | None) -> str:
    """What cancelling this place means for the invoice, in a sentence for the confirmation page."""
    name, invoice = enrolment.participant.full_name, enrolment.booking.invoice_number
    if refund is None:
        return f"{name} is on the waiting list: the place is not charged on invoice {invoice}, so nothing is credited."
    if refund.amount:
        return (
            f"{name}'s place stays on invoice {invoice} ({format_gbp(enrolment.fee)}) and a credit note for {format_gbp(refund.amount)} is "
            f"issued and e-mailed to the booker ({refund.rule})."
        )
    return f"{name}'s fee of {format_gbp(enrolment.fee)} stays charged on invoice {invoice}: no credit is due ({refund.rule})."


def _credit_notes_sentence(result: services.Cancellation) -> str:
    if not result.credit_notes:
        return ""
    notes = ", ".join(f"{c.number} for {format_gbp(c.amount)}" for c in result.credit_notes)
    return f" Credit note{'s' if len(result.credit_notes) != 1 else ''} {notes} issued and e-mailed to the booker."


def _moved_up_sentence(promoted: list[Enrolment]) -> str:
    if not promoted:
        return ""
    return " " + ", ".join(e.participant.full_name for e in promoted) + " moved up from the waiting list."


@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel every place of a booking after a confirmation page; invoiced places are credited by the refund
    rule."""
    booking = fetch_booking(request, pk, perms.can_cancel_booking)
    back = reverse("qualifications:booking_detail", args=[booking.pk])
    if booking.status == Booking.Status.CANCELLED:
        messages.info(request, "This booking is already cancelled.")
        return redirect(back)
    if request.method == "POST":
        try:
            result = services.booking_cancel(actor=request.user, booking=booking)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        text = f"Booking {booking.invoice_number} is cancelled." + _credit_notes_sentence(result)
        if result.promoted:
            n = len(result.promoted)
            text += f" {n} place{'s' if n != 1 else ''} passed to the waiting list."
        messages.success(request, text)
        return redirect(back)
    today = timezone.localdate()
    places = booking.enrolments.filter(
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED]
    ).select_related("participant", "edition", "cluster", "booking")
    return render(
        request,
        "qualifications/confirm.html",
        {
            "title": f"Cancel booking {booking.invoice_number}?",
            "text": f"Every place of this booking on {booking.cluster} will be cancelled; waiting participants take them.",
            "points": [
                _cancellation_point(e, selectors.quote_cancellation(enrolment=e, on=today)) for e in places
            ],
            "button": "Cancel the booking",
            "back": back,
        },
    )


@require_http_methods(["GET", "POST"])
def enrolment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one place after a confirmation page that says what it means for the invoice: a place already
    invoiced stays charged and is credited by the edition's refund rule; a waiting-list place is simply dropped."""
    enrolment = fetch_enrolment(request, pk, perms.can_cancel_enrolment)
    back = reverse("qualifications:booking_detail", args=[enrolment.booking_id])
    name = enrolment.participant.full_name
    if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED):
        messages.info(
            request, f"{name}'s place is {enrolment.get_status_display().lower()}, so it cannot be cancelled."
        )
        return redirect(back)
    if request.method == "POST":
        try:
            result = services.enrolment_cancel(actor=request.user, enrolment=enrolment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{name}'s place is cancelled."
                + _credit_notes_sentence(result)
                + _moved_up_sentence(result.promoted),
            )
        return redirect(back)
    refund = selectors.quote_cancellation(enrolment=enrolment, on=timezone.localdate())
    return render(
        request,
        "qualifications/confirm.html",
        {
            "title": f"Cancel {name}'s place?",
            "text": f"The place on {enrolment.cluster} is cancelled; the first on the waiting list takes it.",
            "points": [_cancellation_point(enrolment, refund)],
            "button": "Cancel the place",
            "back": back,
        },
    )


@require_http_methods(["GET", "POST"])
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The booker or the provider withdraws an enrolled participant: the place is freed for the waiting list
    and a credit note is issued by the edition's refund rule. The page is the confirmation."""
    enrolment = fetch_enrolment(request, pk, perms.can_withdraw_enrolment)
    back = reverse("qualifications:booking_detail", args=[enrolment.booking_id])
    if enrolment.status != Enrolment.Status.ENROLLED:
        messages.info(request, "Only an enrolled participant can be withdrawn.")
        return redirect(back)
    today = timezone.localdate()
    form = forms.WithdrawalForm(
        request.POST or None,
        booked_on=enrolment.booking.booked_on,
        today=today,
        initial={"withdrawn_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            _, credit, promoted = services.enrolment_withdraw(
                actor=request.user,
                enrolment=enrolment,
                on=form.cleaned_data["withdrawn_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            text = f"{enrolment.participant.full_name} is withdrawn."
            text += (
                f" Credit note {credit.number} for {format_gbp(credit.amount)} is issued and e-mailed to the booker."
                if credit
                else " No credit is due under the edition's refund rule."
            )
            messages.success(request, text + _moved_up_sentence(promoted))
            return redirect(back)
    on = form.cleaned_data["withdrawn_on"] if form.is_bound and form.is_valid() else today
    return render(
        request,
        "qualifications/withdraw.html",
        {
            "form": form,
            "enrolment": enrolment,
            "refund": selectors.quote_refund(enrolment=enrolment, on=on),
            "first_day": selectors.first_training_day(enrolment.cluster),
            "waiting": enrolment.cluster.enrolments.filter(status=Enrolment.Status.WAITLISTED).count(),
            "back": back,
        },
    )


@require_http_methods(["GET", "POST"])
def enrolment_mentor_session(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the mentor up for one of the optional online mentor training sessions still to come."""
    enrolment = fetch_enrolment(request, pk, perms.can_choose_mentor_session)
    now = timezone.now()
    sessions = selectors.upcoming_mentor_sessions([enrolment.edition_id], now=now)
    form = forms.MentorSessionChoiceForm(
        request.POST or None, sessions=sessions, initial={"session": enrolment.mentor_session_id}
    )
    back = (
        reverse("qualifications:my_places")
        if enrolment.mentor_id == request.user.pk
        else reverse("qualifications:booking_detail", args=[enrolment.booking_id])
    )
    has_upcoming = sessions.exists()
    if request.method == "POST" and has_upcoming and form.is_valid():
        try:
            services.mentor_session_join(
                actor=request.user, enrolment=enrolment, session=form.cleaned_data["session"], now=now
            )
        except ValidationError as error:
            form.add_error("session", error)
        else:
            messages.success(request, "The mentor training choice is saved.")
            return redirect(back)
    booked = enrolment.mentor_session
    return render(
        request,
        "qualifications/mentor_session.html",
        {
            "enrolment": enrolment,
            "form": form if has_upcoming else None,
            "booked": booked,
            "booked_is_past": booked is not None and booked.starts_at <= now,
            "back": back,
        },
    )


@require_GET
def my_places(request: HttpRequest) -> HttpResponse:
    """A participant's places and a mentor's mentees, with training days and calendar links."""
    require(perms.has_qualification_role(request.user))
    mine = list(selectors.my_enrolments(request.user).select_related("mentor_session"))
    days = selectors.upcoming_days(
        {e.cluster_id for e in mine if e.participant_id == request.user.pk and e.is_active}
    )
    for e in mine:
        # A display-only attribute for my_places.html; not a model field, so django-stubs does not know it.
        e.ical_url = request.build_absolute_uri(  # type: ignore[attr-defined]
            reverse("qualifications:ical_participant", args=[e.ical_token])
        )
    as_mentor = [e for e in mine if e.mentor_id == request.user.pk]
    upcoming = selectors.upcoming_mentor_sessions({e.edition_id for e in as_mentor}, now=timezone.now())
    return render(
        request,
        "qualifications/my_places.html",
        {
            "as_participant": [e for e in mine if e.participant_id == request.user.pk],
            "as_mentor": as_mentor,
            "days": days,
            "editions_with_sessions": set(upcoming.values_list("edition_id", flat=True)),
        },
    )


@require_http_methods(["GET", "POST"])
def safeguarding(request: HttpRequest) -> HttpResponse:
    """A school's records of staff safeguarding training (the PLQ and PLQJ prerequisite)."""
    require(perms.is_booker(request.user))
    school = booking_school(request)
    if school is None:
        raise PermissionDenied("Only a school's CPD coordinator can record safeguarding training.")
    form = forms.SafeguardingForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        services.safeguarding_record(actor=request.user, school=school, **form.cleaned_data)
        messages.success(request, f"Safeguarding training recorded for {person.full_name}.")
        return redirect("qualifications:safeguarding")
    records = SafeguardingTraining.objects.filter(organisation=school).select_related("person")
    return render(
        request,
        "qualifications/safeguarding.html",
        {
            "form": form,
            "school": school,
            "page_obj": page_of(request, records),
        },
    )
