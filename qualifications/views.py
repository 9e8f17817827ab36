"""Screens for qualifications: catalogue, editions, clusters, bookings, invoices, provider views, calendars."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AuditEvent
from audit.services import record_event
from organisations.models import Organisation
from pastoral.exports import export_response
from qualifications import documents, extensions, forms, ical, selectors, services
from qualifications import permissions as perms
from qualifications.models import (
    Activity,
    Booking,
    Cluster,
    Edition,
    Enrolment,
    FeeRule,
    SafeguardingTraining,
    SessionAttendance,
    TrainingDay,
)
from qualifications.templatetags.qualifications_money import format_gbp


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied("You do not have permission to do this.")


def _booking_school(request: HttpRequest) -> Organisation | None:
    """The school the CPD coordinator is booking for: the current organisation if they book there."""
    ids = perms.booker_school_ids(request.user)
    current = getattr(request, "organisation", None)
    if current is not None and current.pk in ids:
        return current
    return Organisation.objects.filter(pk__in=ids).order_by("name").first()


def _page(request: HttpRequest, qs: Any, per_page: int = 50) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


# --- Catalogue and editions --------------------------------------------------------------------


@require_GET
def edition_list(request: HttpRequest) -> HttpResponse:
    """The programmes and editions: the published catalogue, and every edition for the provider."""
    _require(perms.has_qualification_role(request.user))
    today = timezone.localdate()
    editions = list(selectors.visible_editions(request.user))
    for e in editions:
        e.is_closed = e.is_closed_on(today)  # type: ignore[attr-defined]  # display only
    return render(
        request,
        "qualifications/edition_list.html",
        {
            "editions": editions,
            "is_admin": perms.is_programme_admin(request.user),
        },
    )


@require_GET
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An edition's content (levels, modules, activities), fees and what they include, prerequisites, clusters."""
    edition = perms.fetch(
        request.user,
        Edition.objects.select_related("programme__university_partner", "academic_year", "cloned_from"),
        perms.edition_q(request.user),
        pk=pk,
    )
    levels = edition.levels.prefetch_related("modules__activities")
    today = timezone.localdate()
    clusters = list(selectors.clusters_with_numbers(edition.clusters.all()).prefetch_related("training_days"))
    for c in clusters:
        # Display only: whether the cluster can still be booked today, and the plain warning if it has started.
        check = services.check_cluster_open(cluster=c, on=today)
        c.booking_refusal = " ".join(check.errors)  # type: ignore[attr-defined]
        c.booking_warning = " ".join(check.warnings)  # type: ignore[attr-defined]
    return render(
        request,
        "qualifications/edition_detail.html",
        {
            "edition": edition,
            "levels": levels,
            "clusters": clusters,
            "fee_rules": edition.fee_rules.filter(retired_at__isnull=True),
            "is_admin": perms.can_manage_provider_record(request.user, edition),
            "is_booker": perms.is_booker(request.user),
            "is_closed": edition.is_closed_on(today),
            "mentor_sessions": edition.mentor_sessions.all(),
        },
    )


def _form_page(request: HttpRequest, form: Any, title: str, **context: Any) -> HttpResponse:
    """The plain form page: a title, the form, and a way back (`back` an edition, `back_cluster` a cluster)."""
    return render(request, "qualifications/form_page.html", {"form": form, "title": title, **context})


def _managed_edition(request: HttpRequest, pk: int) -> Edition:
    """An edition the user's provider runs and they may manage: 404 outside reach, 403 for other roles."""
    return perms.fetch(
        request.user,
        Edition.objects.all(),
        perms.edition_q(request.user),
        perms.can_manage_provider_record,
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def edition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _managed_edition(request, pk)
    form = forms.EditionForm(request.POST or None, instance=edition)
    if request.method == "POST" and form.is_valid():
        services.update_instance(actor=request.user, instance=edition, data=form.cleaned_data)
        messages.success(request, f"{edition} is saved.")
        return redirect("qualifications:edition_detail", pk=edition.pk)
    return _form_page(request, form, f"Edit {edition}", back=edition)


@require_http_methods(["GET", "POST"])
def edition_clone(request: HttpRequest, pk: int) -> HttpResponse:
    """Annual review: copy this edition into a new year, unpublished, to edit before opening it."""
    edition = perms.fetch(
        request.user,
        Edition.objects.select_related("programme", "academic_year"),
        perms.edition_q(request.user),
        perms.can_manage_provider_record,
        pk=pk,
    )
    form = forms.CloneEditionForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.clone_edition(
                actor=request.user, edition=edition, academic_year=form.cleaned_data["academic_year"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{new} is created from {edition}, with the years and dates in its text moved to "
                f"{new.academic_year.name}. Review it, then publish it.",
            )
            return redirect("qualifications:edition_detail", pk=new.pk)
    return render(request, "qualifications/edition_clone.html", {"form": form, "edition": edition})


@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = perms.fetch(
        request.user,
        Activity.objects.select_related("module__edition"),
        perms.activity_q(request.user),
        perms.can_manage_provider_record,
        pk=pk,
    )
    edition = activity.module.edition
    form = forms.ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        services.update_instance(actor=request.user, instance=activity, data=form.cleaned_data)
        messages.success(request, f"Activity {activity.number} is saved.")
        return redirect("qualifications:edition_detail", pk=edition.pk)
    return _form_page(request, form, f"Edit activity {activity.number} ({edition})", back=edition)


@require_http_methods(["GET", "POST"])
def edition_fees(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an edition's fee schedule (annual review); bookings already made keep their fee."""
    edition = _managed_edition(request, pk)
    current = edition.fee_rules.filter(retired_at__isnull=True)
    formset = forms.FeeRuleFormSet(request.POST or None, queryset=current, prefix="fee")
    if request.method == "POST" and formset.is_valid():
        amounts = {f.instance.pk: f.cleaned_data["amount"] for f in formset.forms}
        changed = services.update_fees(actor=request.user, edition=edition, amounts=amounts)
        messages.success(request, f"Fees saved ({changed} changed). Bookings already made keep their fee.")
        return redirect("qualifications:edition_detail", pk=edition.pk)
    return render(
        request,
        "qualifications/edition_fees.html",
        {
            "formset": formset,
            "edition": edition,
            "current": current,
            "retired": edition.fee_rules.filter(retired_at__isnull=False).select_related("retired_by"),
        },
    )


def _managed_fee_rule(request: HttpRequest, pk: int) -> FeeRule:
    """A fee rule of the user's provider that they may manage: 404 outside reach, 403 for other roles."""
    return perms.fetch(
        request.user,
        FeeRule.objects.select_related("edition__programme", "edition__academic_year"),
        Q(organisation_id__in=perms.provider_ids(request.user)),
        perms.can_manage_provider_record,
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def fee_rule_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a fee for a delivery model and membership (for example an online fee for a new cluster model)."""
    edition = _managed_edition(request, pk)
    form = forms.FeeRuleEditForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.create_fee_rule(actor=request.user, edition=edition, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Fee added: {rule.get_delivery_model_display()}, {rule.who.lower()}.")
            return redirect("qualifications:edition_fees", pk=edition.pk)
    return render(
        request,
        "qualifications/fee_rule_form.html",
        {"form": form, "title": f"Add a fee to {edition}", "edition": edition},
    )


@require_http_methods(["GET", "POST"])
def fee_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a current fee rule; bookings already made keep their frozen fee."""
    rule = _managed_fee_rule(request, pk)
    if rule.is_retired:
        messages.info(request, "This fee is retired and can no longer be changed.")
        return redirect("qualifications:edition_fees", pk=rule.edition_id)
    form = forms.FeeRuleEditForm(request.POST or None, edition=rule.edition, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_fee_rule(actor=request.user, rule=rule, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The fee is saved. Bookings already made keep their fee.")
            return redirect("qualifications:edition_fees", pk=rule.edition_id)
    return render(
        request,
        "qualifications/fee_rule_form.html",
        {"form": form, "title": f"Change a fee of {rule.edition}", "edition": rule.edition},
    )


@require_http_methods(["GET", "POST"])
def fee_rule_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire a fee rule, after a confirmation page; it stays on record and bookings keep their fee."""
    rule = _managed_fee_rule(request, pk)
    back = reverse("qualifications:edition_fees", args=[rule.edition_id])
    if rule.is_retired:
        messages.info(request, "This fee is already retired.")
        return redirect(back)
    if request.method == "POST":
        services.retire_fee_rule(actor=request.user, rule=rule)
        messages.success(
            request,
            f"The fee for the {rule.get_delivery_model_display().lower()}, {rule.who.lower()}, is retired.",
        )
        return redirect(back)
    return render(
        request,
        "qualifications/confirm.html",
        {
            "title": f"Retire the {format_gbp(rule.amount)} fee for the {rule.get_delivery_model_display().lower()}, "
            f"{rule.who.lower()}?",
            "text": f"New bookings of {rule.edition} on this delivery model from {rule.who.lower()} will be "
            "refused until a new fee is added. Bookings already made keep the fee they were booked at.",
            "button": "Retire the fee",
            "back": back,
            "back_label": "Go back without retiring",
        },
    )


@require_http_methods(["GET", "POST"])
def mentor_session_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an optional online training session for the edition's mentors."""
    edition = _managed_edition(request, pk)
    form = forms.MentorSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.create_mentor_session(actor=request.user, edition=edition, data=form.cleaned_data)
        messages.success(request, "The mentor training session is added.")
        return redirect("qualifications:edition_detail", pk=edition.pk)
    return _form_page(request, form, f"New mentor training session for {edition}", back=edition)


# --- Clusters, training days, attendance, calendars --------------------------------------------


def _managed_cluster(request: HttpRequest, pk: int) -> Cluster:
    """A cluster the user's provider runs and they may manage: 404 outside reach, 403 for other roles."""
    return perms.fetch(
        request.user,
        Cluster.objects.select_related("edition", "level"),
        perms.cluster_q(request.user),
        perms.can_manage_provider_record,
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def cluster_create(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _managed_edition(request, pk)
    form = forms.ClusterForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        cluster = services.create_cluster(actor=request.user, edition=edition, data=form.cleaned_data)
        messages.success(request, f"{cluster.name} is created.")
        return redirect("qualifications:cluster_detail", pk=cluster.pk)
    return _form_page(request, form, f"New cluster for {edition}", back=edition)


@require_http_methods(["GET", "POST"])
def cluster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a cluster; a larger capacity moves the waiting list up."""
    cluster = _managed_cluster(request, pk)
    form = forms.ClusterForm(request.POST or None, instance=cluster, edition=cluster.edition)
    if request.method == "POST" and form.is_valid():
        promoted = services.update_cluster(actor=request.user, cluster=cluster, data=form.cleaned_data)
        text = f"{cluster.name} is saved."
        if promoted:
            text += (
                " Moved up from the waiting list: "
                + ", ".join(e.participant.full_name for e in promoted)
                + "."
            )
        messages.success(request, text)
        return redirect("qualifications:cluster_detail", pk=cluster.pk)
    return _form_page(request, form, f"Edit {cluster.name}", back_cluster=cluster)


@require_GET
def cluster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A cluster for the provider: training days, facilitators, participants and mentors, waiting list."""
    cluster = perms.fetch(
        request.user,
        selectors.clusters_with_numbers(Cluster.objects.all()),
        perms.cluster_q(request.user),
        perms.can_view_cluster_roster,
        pk=pk,
    )
    enrolments = cluster.enrolments.select_related("participant", "mentor", "organisation").order_by(
        "status", "waitlisted_at", "participant__full_name"
    )
    return render(
        request,
        "qualifications/cluster_detail.html",
        {
            "cluster": cluster,
            "days": cluster.training_days.prefetch_related("modules"),
            "facilitators": cluster.facilitators.select_related("facilitator", "module"),
            "enrolled": [e for e in enrolments if e.status in selectors.ACTIVE],
            "waiting": [e for e in enrolments if e.status == Enrolment.Status.WAITLISTED],
            "is_admin": perms.can_manage_provider_record(request.user, cluster),
            "ical_url": request.build_absolute_uri(
                reverse("qualifications:ical_cluster", args=[cluster.ical_token])
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def training_day_create(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = _managed_cluster(request, pk)
    form = forms.TrainingDayForm(request.POST or None, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        services.create_training_day(actor=request.user, cluster=cluster, data=dict(form.cleaned_data))
        messages.success(request, "The training session is added.")
        return redirect("qualifications:cluster_detail", pk=cluster.pk)
    return _form_page(request, form, f"New training session for {cluster.name}", back_cluster=cluster)


@require_http_methods(["GET", "POST"])
def facilitator_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the facilitator of a module in a cluster."""
    cluster = _managed_cluster(request, pk)
    form = forms.FacilitatorForm(request.POST or None, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        services.assign_facilitator(
            actor=request.user,
            cluster=cluster,
            module=form.cleaned_data["module"],
            facilitator=form.cleaned_data["facilitator"],
        )
        messages.success(request, f"{form.cleaned_data['facilitator'].full_name} facilitates that module.")
        return redirect("qualifications:cluster_detail", pk=cluster.pk)
    return _form_page(request, form, f"Add a facilitator to {cluster.name}", back_cluster=cluster)


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Take attendance at one training day or session."""
    day = perms.fetch(
        request.user,
        TrainingDay.objects.select_related("cluster__edition", "cluster__level"),
        Q(organisation_id__in=perms.provider_ids(request.user)),
        perms.can_take_attendance,
        pk=pk,
    )
    enrolments = list(
        day.cluster.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related(
            "participant", "organisation"
        )
    )
    current = {a.enrolment_id: a.mark for a in day.attendance.all()}
    if request.method == "POST":
        marks = {e.pk: request.POST.get(f"mark-{e.pk}", "") for e in enrolments}
        missing = [e for e in enrolments if not marks[e.pk]]
        if missing:
            messages.error(
                request, f"Give a mark for everyone: {', '.join(e.participant.full_name for e in missing)}."
            )
            current.update({k: v for k, v in marks.items() if v})
        else:
            written = services.record_attendance(actor=request.user, training_day=day, marks=marks)
            messages.success(
                request, f"Attendance saved for {written} participant{'s' if written != 1 else ''}."
            )
            return redirect("qualifications:cluster_detail", pk=day.cluster_id)
    rows = [{"enrolment": e, "mark": current.get(e.pk, "")} for e in enrolments]
    return render(
        request,
        "qualifications/attendance.html",
        {"day": day, "rows": rows, "marks": SessionAttendance.Mark.choices},
    )


def _ical_response(name: str, days: Any) -> HttpResponse:
    days = list(days)
    response = HttpResponse(
        ical.calendar(name, days, notes=extensions.training_day_notes(days)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="training.ics"'
    return response


@login_not_required
@require_GET
def ical_cluster(request: HttpRequest, token: str) -> HttpResponse:
    """Public calendar feed of a cluster's training days, at an unguessable address."""
    cluster = Cluster.objects.filter(ical_token=token).select_related("edition__programme", "level").first()
    if cluster is None:
        raise Http404("No such calendar.")
    days = cluster.training_days.select_related(
        "cluster__edition__programme", "cluster__level"
    ).prefetch_related("modules")
    return _ical_response(str(cluster), days)


@login_not_required
@require_GET
def ical_participant(request: HttpRequest, token: str) -> HttpResponse:
    """Public calendar feed of one participant's training days, at an unguessable address."""
    enrolment = (
        Enrolment.objects.filter(ical_token=token, status__in=selectors.ACTIVE)
        .select_related("cluster")
        .first()
    )
    if enrolment is None:
        raise Http404("No such calendar.")
    days = enrolment.cluster.training_days.select_related(
        "cluster__edition__programme", "cluster__level"
    ).prefetch_related("modules")
    return _ical_response(f"{enrolment.participant.full_name}: {enrolment.cluster}", days)


# --- Bookings ------------------------------------------------------------------------------


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
    school = _booking_school(request)
    if school is None:
        raise PermissionDenied("Only a school's CPD coordinator can book places.")
    today = timezone.localdate()
    quote, quote_error = None, ""
    try:
        quote = services.quote_fee(
            edition=cluster.edition, delivery_model=cluster.delivery_model, school=school, on=today
        )
    except ValidationError as error:
        quote_error = " ".join(error.messages)
    formset = forms.PlaceFormSet(
        request.POST or None, form_kwargs={"school": school, "cluster": cluster}, prefix="place"
    )
    form = forms.BookingForm(request.POST or None)
    # Said before anything is chosen: a cluster already under way (warning) or over (refusal).
    cluster_check = services.check_cluster_open(cluster=cluster, on=today)
    cluster_warnings, refusals = cluster_check.warnings, list(cluster_check.errors)
    warnings: list[str] = []
    if request.method == "POST" and formset.is_valid() and form.is_valid():
        places = [
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
        checks = [
            services.check_prerequisites(cluster=cluster, school=school, place=p, on=today) for p in places
        ]
        refusals += [e for c in checks for e in c.errors]
        warnings = [w for c in checks for w in c.warnings]
        if not refusals and (warnings or cluster_warnings) and not form.cleaned_data["acknowledge_warnings"]:
            form.add_error("acknowledge_warnings", "Tick this to confirm you have read the advice above.")
        elif not refusals:
            try:
                booking, warnings = services.create_booking(
                    actor=request.user,
                    cluster=cluster,
                    school=school,
                    places=places,
                    on=today,
                    purchase_order=form.cleaned_data["purchase_order"],
                )
            except ValidationError as error:
                refusals = error.messages
            else:
                waiting = booking.enrolments.filter(status=Enrolment.Status.WAITLISTED).count()
                text = f"Booking {booking.invoice_number} is made; its invoice is e-mailed to you."
                if waiting:
                    text += f" {waiting} on the waiting list: the cluster is full."
                messages.success(request, text)
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("qualifications:booking_detail", pk=booking.pk)
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
        },
    )


@require_GET
def booking_list(request: HttpRequest) -> HttpResponse:
    """A school's own bookings (CPD coordinator), or every booking of the provider (programme administrator)."""
    _require(perms.is_booker(request.user) or perms.is_programme_admin(request.user))
    show = request.GET.get("show", "")
    lists = {"unpaid": selectors.unpaid_bookings, "overdue": selectors.overdue_bookings}
    qs = lists.get(show, selectors.visible_bookings)(request.user)
    return render(
        request,
        "qualifications/booking_list.html",
        {
            "page_obj": _page(request, qs),
            "show": show,
            "querystring_prefix": f"show={show}&" if show else "",
            "is_admin": perms.is_programme_admin(request.user),
        },
    )


def _fetch_booking(request: HttpRequest, pk: int, check: Any) -> Booking:
    return perms.fetch(
        request.user,
        selectors.bookings_to_print(),
        perms.booking_reach_q(request.user),
        check,
        pk=pk,
    )


@require_GET
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _fetch_booking(request, pk, perms.can_view_booking)
    is_overdue = services.is_overdue(booking)
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
            "charges": services.invoice_charges(booking),
            "total": services.invoice_total(booking),
            "can_withdraw": perms.can_withdraw_enrolment(request.user, booking),
            "can_mark_paid": perms.can_mark_paid(request.user, booking),
            "can_send_invoice": perms.can_send_invoice(request.user, booking),
            "is_overdue": is_overdue,
            "can_remind": is_overdue and perms.can_send_payment_reminder(request.user, booking),
            "edition": booking.edition,
        },
    )


@require_GET
def booking_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    """The booking's numbered invoice as a PDF."""
    booking = _fetch_booking(request, pk, perms.can_view_booking)
    pdf = documents.invoice_pdf(booking, base_url=request.build_absolute_uri("/"))
    return _pdf_response(pdf, f"invoice-{booking.invoice_number}.pdf")


@require_POST
def booking_invoice_send(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail the booking's current invoice to its booker again."""
    booking = _fetch_booking(request, pk, perms.can_send_invoice)
    services.send_invoice_again(actor=request.user, booking=booking)
    booker = booking.booked_by
    messages.success(
        request,
        f"Invoice {booking.invoice_number} is being sent again to {booker.full_name} ({booker.email}).",
    )
    return redirect("qualifications:booking_detail", pk=booking.pk)


@require_POST
def booking_reminder_send(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail the booker a payment reminder for an overdue invoice."""
    booking = _fetch_booking(request, pk, perms.can_send_payment_reminder)
    try:
        services.send_payment_reminder(actor=request.user, booking=booking)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        booker = booking.booked_by
        messages.success(
            request,
            f"A payment reminder for invoice {booking.invoice_number} is being sent to {booker.full_name} "
            f"({booker.email}).",
        )
    return redirect("qualifications:booking_detail", pk=booking.pk)


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cancellation_point(enrolment: Enrolment, refund: services.RefundQuote | None) -> str:
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
    booking = _fetch_booking(request, pk, perms.can_cancel_booking)
    back = reverse("qualifications:booking_detail", args=[booking.pk])
    if booking.status == Booking.Status.CANCELLED:
        messages.info(request, "This booking is already cancelled.")
        return redirect(back)
    if request.method == "POST":
        try:
            result = services.cancel_booking(actor=request.user, booking=booking)
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
                _cancellation_point(e, services.quote_cancellation(enrolment=e, on=today)) for e in places
            ],
            "button": "Cancel the booking",
            "back": back,
        },
    )


@require_POST
def booking_paid(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _fetch_booking(request, pk, perms.can_mark_paid)
    paid = request.POST.get("paid") == "1"
    services.set_paid(actor=request.user, booking=booking, paid=paid)
    messages.success(request, f"Invoice {booking.invoice_number} is marked {'paid' if paid else 'unpaid'}.")
    return redirect("qualifications:booking_detail", pk=booking.pk)


def _fetch_enrolment(request: HttpRequest, pk: int, check: Any) -> Enrolment:
    return perms.fetch(
        request.user,
        Enrolment.objects.select_related("participant", "mentor", "cluster", "booking", "edition"),
        perms.booking_reach_q(request.user) | Q(participant=request.user) | Q(mentor=request.user),
        check,
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def enrolment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one place after a confirmation page that says what it means for the invoice: a place already
    invoiced stays charged and is credited by the edition's refund rule; a waiting-list place is simply dropped."""
    enrolment = _fetch_enrolment(request, pk, perms.can_cancel_enrolment)
    back = reverse("qualifications:booking_detail", args=[enrolment.booking_id])
    name = enrolment.participant.full_name
    if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED):
        messages.info(
            request, f"{name}'s place is {enrolment.get_status_display().lower()}, so it cannot be cancelled."
        )
        return redirect(back)
    if request.method == "POST":
        try:
            result = services.cancel_enrolment(actor=request.user, enrolment=enrolment)
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
    refund = services.quote_cancellation(enrolment=enrolment, on=timezone.localdate())
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
    enrolment = _fetch_enrolment(request, pk, perms.can_withdraw_enrolment)
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
            _, credit, promoted = services.withdraw_enrolment(
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
            "refund": services.quote_refund(enrolment=enrolment, on=on),
            "first_day": services.first_training_day(enrolment.cluster),
            "waiting": enrolment.cluster.enrolments.filter(status=Enrolment.Status.WAITLISTED).count(),
            "back": back,
        },
    )


@require_GET
def credit_note_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A credit note as a PDF, laid out like the invoice."""
    credit = perms.fetch(
        request.user,
        selectors.credit_notes_to_print(),
        perms.booking_reach_q(request.user),
        perms.can_view_credit_note,
        pk=pk,
    )
    pdf = documents.credit_note_pdf(credit, base_url=request.build_absolute_uri("/"))
    return _pdf_response(pdf, f"credit-note-{credit.number}.pdf")


@require_http_methods(["GET", "POST"])
def enrolment_mentor_session(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the mentor up for the optional online mentor training session."""
    enrolment = _fetch_enrolment(request, pk, perms.can_choose_mentor_session)
    form = forms.MentorSessionChoiceForm(
        request.POST or None, edition=enrolment.edition, initial={"session": enrolment.mentor_session_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.join_mentor_session(
                actor=request.user, enrolment=enrolment, session=form.cleaned_data["session"]
            )
        except ValidationError as error:
            form.add_error("session", error)
        else:
            messages.success(request, "The mentor training choice is saved.")
            if enrolment.mentor_id == request.user.pk:
                return redirect("qualifications:my_places")
            return redirect("qualifications:booking_detail", pk=enrolment.booking_id)
    return _form_page(
        request,
        form,
        f"Mentor training for {enrolment.mentor.full_name}",
        intro=f"Mentor of {enrolment.participant.full_name} on {enrolment.cluster}.",
    )


@require_GET
def my_places(request: HttpRequest) -> HttpResponse:
    """A participant's places and a mentor's mentees, with training days and calendar links."""
    _require(perms.has_qualification_role(request.user))
    mine = list(selectors.my_enrolments(request.user).select_related("mentor_session"))
    days = selectors.upcoming_days(
        {e.cluster_id for e in mine if e.participant_id == request.user.pk and e.is_active}
    )
    for e in mine:
        # A display-only attribute for my_places.html; not a model field, so django-stubs does not know it.
        e.ical_url = request.build_absolute_uri(  # type: ignore[attr-defined]
            reverse("qualifications:ical_participant", args=[e.ical_token])
        )
    return render(
        request,
        "qualifications/my_places.html",
        {
            "as_participant": [e for e in mine if e.participant_id == request.user.pk],
            "as_mentor": [e for e in mine if e.mentor_id == request.user.pk],
            "days": days,
        },
    )


@require_http_methods(["GET", "POST"])
def safeguarding(request: HttpRequest) -> HttpResponse:
    """A school's records of staff safeguarding training (the PLQ and PLQJ prerequisite)."""
    _require(perms.is_booker(request.user))
    school = _booking_school(request)
    if school is None:
        raise PermissionDenied("Only a school's CPD coordinator can record safeguarding training.")
    form = forms.SafeguardingForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = data.pop("person")
        services.record_safeguarding(actor=request.user, school=school, person=person, data=data)
        messages.success(request, f"Safeguarding training recorded for {person.full_name}.")
        return redirect("qualifications:safeguarding")
    records = SafeguardingTraining.objects.filter(organisation=school).select_related("person")
    return render(
        request,
        "qualifications/safeguarding.html",
        {
            "form": form,
            "school": school,
            "page_obj": _page(request, records),
        },
    )


# --- Provider views ---------------------------------------------------------------------------


@require_GET
def provider_dashboard(request: HttpRequest) -> HttpResponse:
    """Clusters against capacity, unpaid invoices (overdue ones marked; `?unpaid=overdue` for those only) and fees
    by edition, with exports."""
    _require(perms.is_programme_admin(request.user))
    clusters = selectors.clusters_with_numbers(
        Cluster.objects.filter(organisation_id__in=perms.admin_provider_ids(request.user))
    ).order_by("-edition__academic_year__starts_on", "edition__programme__code", "level__number", "name")
    overdue_only = request.GET.get("unpaid") == "overdue"
    unpaid = list(
        selectors.overdue_bookings(request.user) if overdue_only else selectors.unpaid_bookings(request.user)
    )
    return render(
        request,
        "qualifications/provider_dashboard.html",
        {
            "page_obj": _page(request, clusters),
            "unpaid": unpaid[:20],
            "unpaid_count": len(unpaid),
            "overdue_only": overdue_only,
            "fees": selectors.fees_by_edition(request.user),
            "exports": selectors.EXPORTS,
            "panels": extensions.provider_overview_panels(request),
        },
    )


@require_http_methods(["GET", "POST"])
def invoice_settings(request: HttpRequest) -> HttpResponse:
    """The provider's payment method, bank details and VAT position, printed on every invoice."""
    _require(perms.is_programme_admin(request.user))
    provider = Organisation.objects.get(pk=min(perms.admin_provider_ids(request.user)))
    form = forms.InvoiceSettingsForm(request.POST or None, instance=services.invoice_settings(provider))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_invoice_settings(actor=request.user, provider=provider, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The invoice settings are saved. New invoices use this VAT rate.")
            return redirect("qualifications:provider_dashboard")
    return _form_page(
        request,
        form,
        f"Invoice settings of {provider.name}",
        intro="Printed on every invoice: how schools pay, and the VAT line. Fees are VAT-inclusive; a booking keeps "
        "the VAT rate of the day it was invoiced.",
    )


@require_GET
def participant_list(request: HttpRequest) -> HttpResponse:
    """Participants and their mentors: a school's own staff, or the provider's (by cluster for facilitators)."""
    _require(perms.is_booker(request.user) or bool(perms.provider_ids(request.user)))
    qs = selectors.visible_enrolments(request.user)
    return render(request, "qualifications/participant_list.html", {"page_obj": _page(request, qs)})


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """CSV or XLSX of bookings, unpaid invoices, participants and mentors, or clusters."""
    _require(perms.is_programme_admin(request.user))
    what = request.GET.get("what", "")
    if what not in selectors.EXPORTS:
        raise Http404("No such export.")
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    title, header = selectors.EXPORTS[what]
    rows = selectors.export_rows(request.user, what)
    record_event(
        action=AuditEvent.Action.EXPORT,
        actor=request.user,
        organisation_id=min(perms.admin_provider_ids(request.user)),
        note=f"qualifications {what} {fmt}",
    )
    return export_response(fmt, f"qualifications-{what}", header, rows, title=title)
