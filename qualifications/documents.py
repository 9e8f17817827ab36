"""The invoice and credit-note PDFs (WeasyPrint), for downloads and e-mails alike."""

from __future__ import annotations

from django.template.loader import render_to_string

from core.pdf import pdf_from_html, render_pdf
from qualifications import selectors
from qualifications.models import Booking, CreditNote


def invoice_html(booking: Booking) -> str:
    """The booking's numbered invoice as HTML: the places charged, less any credit notes, the VAT line, the school's
    purchase order and how to pay (the provider's payment method and bank details)."""
    total = selectors.invoice_total(booking)
    settings_ = selectors.invoice_settings(booking.provider)
    return render_to_string(
        "qualifications/invoice.html",
        {
            "booking": booking,
            "lines": selectors.invoice_lines(booking),
            "charges": selectors.invoice_charges(booking),
            "credit_notes": booking.credit_notes.select_related("enrolment__participant"),
            "total": total,
            "issued_on": booking.booked_on,
            "pay": settings_,
            "vat_line": selectors.vat_line(booking, total, settings_),
        },
    )


def invoice_pdf(booking: Booking, *, base_url: str) -> bytes:
    """The booking's numbered invoice as a PDF (the same document as invoice_html)."""
    return pdf_from_html(invoice_html(booking), base_url)


def credit_note_pdf(credit: CreditNote, *, base_url: str) -> bytes:
    """A credit note, laid out like the invoice."""
    return render_pdf(
        "qualifications/credit_note.html", {"credit": credit, "booking": credit.booking}, base_url
    )
