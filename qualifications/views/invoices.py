"""Screens for invoices: the invoice and credit-note PDFs, e-mailing an invoice again, reminders, payment and the provider's invoice settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import apply_validation_error
from organisations.models import Organisation
from qualifications import documents, forms, selectors, services
from qualifications import permissions as perms
from qualifications.views.shared import fetch_booking, form_page, pdf_response, require


@require_GET
def booking_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    """The booking's numbered invoice as a PDF."""
    booking = fetch_booking(request, pk, perms.can_view_booking)
    pdf = documents.invoice_pdf(booking, base_url=request.build_absolute_uri("/"))
    return pdf_response(pdf, f"invoice-{booking.invoice_number}.pdf")


@require_POST
def booking_invoice_send(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail the booking's current invoice to its booker again."""
    booking = fetch_booking(request, pk, perms.can_send_invoice)
    services.invoice_send_again(actor=request.user, booking=booking)
    booker = booking.booked_by
    messages.success(
        request,
        f"Invoice {booking.invoice_number} is being sent again to {booker.full_name} ({booker.email}).",
    )
    return redirect("qualifications:booking_detail", pk=booking.pk)


@require_POST
def booking_reminder_send(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail the booker a payment reminder for an overdue invoice."""
    booking = fetch_booking(request, pk, perms.can_send_payment_reminder)
    try:
        services.payment_reminder_send(actor=request.user, booking=booking)
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


@require_POST
def booking_paid(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the invoice paid; reopening a paid invoice goes through the confirmation page instead."""
    booking = fetch_booking(request, pk, perms.can_mark_paid)
    if request.POST.get("paid") != "1":
        return redirect("qualifications:booking_unpaid", pk=booking.pk)
    services.booking_set_paid(actor=request.user, booking=booking, paid=True)
    messages.success(request, f"Invoice {booking.invoice_number} is marked paid.")
    return redirect("qualifications:booking_detail", pk=booking.pk)


@require_http_methods(["GET", "POST"])
def booking_unpaid(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a paid invoice (mark it unpaid) after a confirmation page."""
    booking = fetch_booking(request, pk, perms.can_mark_paid)
    back = reverse("qualifications:booking_detail", args=[booking.pk])
    if not booking.paid:
        messages.info(request, f"Invoice {booking.invoice_number} is already unpaid.")
        return redirect(back)
    if request.method == "POST":
        services.booking_set_paid(actor=request.user, booking=booking, paid=False)
        messages.success(request, f"Invoice {booking.invoice_number} is marked unpaid.")
        return redirect(back)
    return render(
        request,
        "qualifications/confirm.html",
        {
            "title": f"Mark invoice {booking.invoice_number} as unpaid?",
            "text": (
                f"It was marked paid on {booking.paid_on:%-d %B %Y}. Marking it unpaid reopens the invoice: it "
                "counts as unpaid again and, once past its due date, as overdue, and payment reminders may be sent."
            ),
            "button": "Mark as unpaid",
            "back": back,
            "back_label": "Go back and keep it paid",
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
    return pdf_response(pdf, f"credit-note-{credit.number}.pdf")


@require_http_methods(["GET", "POST"])
def invoice_settings(request: HttpRequest) -> HttpResponse:
    """The provider's payment method, bank details and VAT position, printed on every invoice."""
    require(perms.is_programme_admin(request.user))
    provider = Organisation.objects.get(pk=min(perms.admin_provider_ids(request.user)))
    form = forms.InvoiceSettingsForm(request.POST or None, instance=selectors.invoice_settings(provider))
    if request.method == "POST" and form.is_valid():
        try:
            services.invoice_settings_save(actor=request.user, provider=provider, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The invoice settings are saved. New invoices use this VAT rate.")
            return redirect("qualifications:provider_dashboard")
    return form_page(
        request,
        form,
        f"Invoice settings of {provider.name}",
        intro="Printed on every invoice: how schools pay, and the VAT line. Fees are VAT-inclusive; a booking keeps "
        "the VAT rate of the day it was invoiced.",
    )
