"""What an invoice says and where it is listed: amounts as £1,350.00, the VAT line, the school's purchase order, the
provider's payment method and bank details, one numbering scheme, and the unpaid list newest first."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.personas import client_for
from qualifications import documents, services
from qualifications.models import Booking, FeeRule, InvoiceCounter, InvoiceSettings
from qualifications.templatetags.qualifications_money import format_gbp
from qualifications.tests.helpers import TODAY, book, build_qual_world
from qualifications.tests.test_views import place_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_qual_world()


def invoice_as_downloaded(user, booking: Booking) -> str:
    """The HTML of the invoice PDF a user downloads from the booking page (the PDF step captured)."""
    with mock.patch.object(documents, "pdf_from_html", return_value=b"%PDF") as render:
        response = client_for(user).get(reverse("qualifications:booking_invoice", args=[booking.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return render.call_args.args[0]


def _bank_details(w) -> InvoiceSettings:
    return services.invoice_settings_save(
        actor=w.admin,
        provider=w.provider,
        payment_method="BACS bank transfer",
        bank_name="Lloyds Bank",
        account_name="HMC Professional Development Ltd",
        sort_code="30-94-57",
        account_number="12345678",
        vat_number="",
        vat_rate_percent=Decimal("0"),
    )


def test_it_formats_money_with_a_thousands_separator_and_pence():
    """£1,350.00; a credit as −£62.50; blank for nothing."""
    assert format_gbp(Decimal("1350")) == "£1,350.00"
    assert format_gbp(Decimal("499.5")) == "£499.50"
    assert format_gbp(Decimal("-62.5")) == "−£62.50"
    assert format_gbp(12345678) == "£12,345,678.00"
    assert format_gbp(None) == ""


def test_it_shows_a_large_fee_as_pounds_with_commas_on_the_pages_and_the_invoice(w):
    """A £1,350 fee reads £1,350.00 on the booking page, the booking form, the unpaid list and the invoice."""
    FeeRule.objects.filter(edition=w.isqam, delivery_model="online").update(amount=Decimal("1350"))
    booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]])
    detail = client_for(w.coordinator).get(reverse("qualifications:booking_detail", args=[booking.pk]))
    assert "£1,350.00" in detail.content.decode() and "£2,700.00" in detail.content.decode()
    form = client_for(w.coordinator).get(reverse("qualifications:booking_create", args=[w.isqam_online.pk]))
    assert "£1,350.00 per participant" in form.content.decode()
    overview = client_for(w.admin).get(reverse("qualifications:provider_dashboard")).content.decode()
    assert "£2,700.00" in overview
    html = invoice_as_downloaded(w.coordinator, booking)
    assert "£1,350.00" in html and "£2,700.00" in html and "£2700" not in html


def test_it_prints_the_zero_rated_vat_line_by_default(w):
    """With no VAT setting the invoice says it is zero-rated, in so many words."""
    booking, _ = book(w, w.isqam_online, [w.staff[0]])
    assert "VAT: zero-rated (education)" in invoice_as_downloaded(w.coordinator, booking)


def test_it_prints_the_vat_included_at_the_rate_frozen_on_the_booking(w):
    """At 20% the invoice shows the VAT the total includes; a later change of rate leaves that invoice alone."""
    settings_ = _bank_details(w)
    settings_.vat_rate_percent = Decimal("20")
    settings_.vat_number = "GB123456789"
    settings_.save()
    booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]])  # 2 × £499 = £998, VAT 998 × 20/120
    html = invoice_as_downloaded(w.admin, booking)
    assert "VAT at 20% included: £166.33" in html and "GB123456789" in html
    settings_.vat_rate_percent = Decimal("0")
    settings_.save()
    assert "VAT at 20% included: £166.33" in invoice_as_downloaded(w.admin, booking)
    later, _ = book(w, w.isqam_online, [w.staff[2]])
    assert "VAT: zero-rated (education)" in invoice_as_downloaded(w.admin, later)


def test_it_prints_the_purchase_order_asked_on_the_booking_form(w):
    """The PO number typed on the booking form is on the booking page and printed on the invoice."""
    client = client_for(w.coordinator)
    url = reverse("qualifications:booking_create", args=[w.isqam_online.pk])
    assert 'name="purchase_order"' in client.get(url).content.decode()
    response = client.post(
        url,
        {**place_data([{"participant": w.staff[0].pk, "mentor": w.mentor.pk}]), "purchase_order": "PO-4471"},
    )
    booking = Booking.objects.get()
    assert response.status_code == 302 and booking.purchase_order == "PO-4471"
    assert (
        "PO-4471" in client.get(reverse("qualifications:booking_detail", args=[booking.pk])).content.decode()
    )
    assert "Purchase order: PO-4471" in invoice_as_downloaded(w.coordinator, booking)


def test_it_says_no_purchase_order_was_given(w):
    """Without a PO number the invoice says none was given rather than leaving the school to wonder."""
    booking, _ = book(w, w.isqam_online, [w.staff[0]])
    assert "Purchase order: none given" in invoice_as_downloaded(w.coordinator, booking)


def test_it_prints_the_providers_payment_method_and_bank_details(w):
    """How to pay: the method, the bank, account name, sort code and number, and the reference to quote."""
    _bank_details(w)
    booking, _ = book(w, w.isqam_online, [w.staff[0]])
    html = invoice_as_downloaded(w.coordinator, booking)
    for text in (
        "Payment method: BACS bank transfer",
        "Lloyds Bank",
        "Account name: HMC Professional Development Ltd",
        "Sort code: 30-94-57",
        "Account number: 12345678",
        f"Payment reference: {booking.invoice_number}",
    ):
        assert text in html


def test_it_numbers_invoices_and_credit_notes_in_one_scheme_keeping_old_numbers(w):
    """INV- and CN- numbers come from one function, <prefix>-<year>-<nnnnn>, each from its own sequence; numbers
    already issued stay as they are."""
    first, _ = book(w, w.isqam_online, [w.staff[0]])
    before = first.invoice_number
    InvoiceCounter.objects.filter(organisation=w.provider).update(last_number=41, last_credit_number=6)
    on = datetime.date(2031, 3, 2)
    assert services.document_number_next(w.provider, "invoice", on) == "INV-2031-00042"
    assert services.document_number_next(w.provider, "credit_note", on) == "CN-2031-00007"
    second, _ = book(w, w.isqam_online, [w.staff[1]])
    assert second.invoice_number == f"INV-{TODAY.year}-00043"
    first.refresh_from_db()
    assert first.invoice_number == before == f"INV-{TODAY.year}-00001"


def test_it_lists_unpaid_invoices_newest_first(w):
    """The provider overview's unpaid list runs by invoice date, newest first, whatever order they were entered."""
    old, _ = book(w, w.isqam_online, [w.staff[0]], on=TODAY - datetime.timedelta(days=30))
    new, _ = book(w, w.isqam_online, [w.staff[1]], on=TODAY - datetime.timedelta(days=2))
    middle, _ = book(w, w.isqam_online, [w.staff[2]], on=TODAY - datetime.timedelta(days=10))
    page = client_for(w.admin).get(reverse("qualifications:provider_dashboard")).content.decode()
    unpaid = page[page.index("Unpaid invoices, newest first") :]
    positions = [unpaid.index(b.invoice_number) for b in (new, middle, old)]
    assert positions == sorted(positions)


def test_it_lets_a_programme_administrator_set_the_invoice_details(w):
    """The settings page saves the bank details and VAT rate (audited); a bad sort code is a form error."""
    client = client_for(w.admin)
    url = reverse("qualifications:invoice_settings")
    assert "VAT: zero-rated (education)" in client.get(url).content.decode()
    data = {
        "payment_method": "BACS bank transfer",
        "bank_name": "Lloyds Bank",
        "account_name": "HMC PD Ltd",
        "sort_code": "309457",
        "account_number": "12345678",
        "vat_number": "",
        "vat_rate_percent": "0",
        "zero_rated_note": "VAT: zero-rated (education)",
    }
    bad = client.post(url, data)
    assert bad.status_code == 200 and "Enter the sort code as 12-34-56." in bad.content.decode()
    assert not InvoiceSettings.objects.exists()
    assert client.post(url, {**data, "sort_code": "30-94-57"}).status_code == 302
    saved = InvoiceSettings.objects.get(organisation=w.provider)
    assert saved.sort_code == "30-94-57"
    assert AuditEvent.objects.filter(
        object_id=str(saved.pk), note__startswith="Invoice settings saved"
    ).exists()


def test_it_refuses_the_invoice_settings_to_other_roles(w):
    """A school's CPD coordinator and the provider's facilitator get 403."""
    url = reverse("qualifications:invoice_settings")
    for user in (w.coordinator, w.facilitator):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).post(url, {"payment_method": "Cash"}).status_code == 403
    assert not InvoiceSettings.objects.exists()
