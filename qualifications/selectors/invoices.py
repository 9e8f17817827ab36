"""Reads for invoices: what is owed, overdue and due a reminder, invoice lines and totals, and refund quotes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone

from organisations.models import Organisation
from qualifications.models import (
    ZERO_RATED_NOTE,
    Booking,
    Cluster,
    CreditNote,
    Enrolment,
    InvoiceSettings,
)
from qualifications.selectors.bookings import (
    BookingFigures,
    _with_figures,
    charged_q,
    overdue_q,
    visible_bookings,
)
from qualifications.templatetags.qualifications_money import format_gbp

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def unpaid_bookings(user: Any) -> QuerySet[WithAnnotations[Booking, BookingFigures]]:
    """Visible bookings with money owed: not paid, and charges left after credit notes. A cancelled booking can
    still owe for places given up after the refund rule stopped crediting them. Newest first: by the invoice date
    (the booking date), then the order they were made."""
    return (
        visible_bookings(user)
        .filter(paid=False, amount__gt=Decimal("0"))
        .order_by("-booked_on", "-created_at", "-pk")
    )


def overdue_bookings(
    user: Any, today: datetime.date | None = None
) -> QuerySet[WithAnnotations[Booking, BookingFigures]]:
    """Visible unpaid bookings past their due date, the longest overdue first."""
    return visible_bookings(user).filter(overdue_q(today or timezone.localdate())).order_by("due_on", "pk")


def bookings_due_a_reminder(
    *, days: int, today: datetime.date
) -> QuerySet[WithAnnotations[Booking, BookingFigures]]:
    """Every provider's bookings overdue by `days` days or more whose booker has had no payment reminder in the last
    `days` days (for the invoice_reminders command), the longest overdue first."""
    cutoff = today - datetime.timedelta(days=days)
    return (
        _with_figures(Booking.objects.all())
        .filter(overdue_q(today), due_on__lte=cutoff)
        .filter(Q(last_reminder_at__isnull=True) | Q(last_reminder_at__date__lte=cutoff))
        .order_by("due_on", "pk")
    )


def bookings_to_print() -> QuerySet[Booking]:
    """Bookings with what their page, invoice PDF and e-mail show: school, provider, programme and booker."""
    return Booking.objects.select_related(
        "organisation", "provider", "cluster__level", "edition__programme", "booked_by"
    )


def credit_notes_to_print() -> QuerySet[CreditNote]:
    """Credit notes with what their PDF and e-mail show: the booking's school, provider, programme and booker."""
    return CreditNote.objects.select_related(
        "booking__organisation",
        "booking__provider",
        "booking__edition",
        "booking__cluster__level",
        "booking__booked_by",
        "enrolment__participant",
    )


def due_date(*, invoiced_on: datetime.date, terms_days: int) -> datetime.date:
    """When an invoice dated `invoiced_on` falls due under payment terms of `terms_days`."""
    return invoiced_on + datetime.timedelta(days=terms_days)


def is_overdue(booking: Booking, *, today: datetime.date | None = None) -> bool:
    """Unpaid, with money still owed after credit notes, and past its due date."""
    today = today or timezone.localdate()
    return not booking.paid and booking.due_on < today and invoice_total(booking) > 0


def invoice_settings(provider: Organisation) -> InvoiceSettings:
    """The provider's invoice settings (payment method, bank details, VAT), unsaved defaults when it has none:
    zero-rated, paid by BACS bank transfer."""
    found = InvoiceSettings.objects.filter(organisation=provider).first()
    return found or InvoiceSettings(organisation=provider)


def vat_line(booking: Booking, total: Decimal, settings_: InvoiceSettings) -> str:
    """The invoice's VAT line: the zero-rating words, or the VAT the (VAT-inclusive) total contains at the rate
    frozen on the booking."""
    rate = booking.vat_rate_percent
    if not rate:
        return settings_.zero_rated_note or ZERO_RATED_NOTE
    vat = (total * rate / (Decimal(100) + rate)).quantize(Decimal("0.01"))
    return f"VAT at {rate.normalize():f}% included: {format_gbp(vat)}"


def invoice_lines(booking: Booking) -> list[Enrolment]:
    """The places charged on a booking's invoice: enrolled, completed, withdrawn or cancelled after it was
    invoiced; never a waiting-list place."""
    return list(
        booking.enrolments.filter(charged_q())
        .select_related("participant", "mentor", "level")
        .order_by("participant__full_name")
    )


def invoice_charges(booking: Booking) -> Decimal:
    """The sum of the places charged, before credit notes."""
    return sum((e.fee for e in invoice_lines(booking)), Decimal("0.00"))


def credits_total(booking: Booking) -> Decimal:
    return sum((c.amount for c in booking.credit_notes.all()), Decimal("0.00"))


def invoice_total(booking: Booking) -> Decimal:
    """What the school owes on the booking: the places charged less any credit notes."""
    return invoice_charges(booking) - credits_total(booking)


def first_training_day(cluster: Cluster) -> datetime.date | None:
    first = cluster.training_days.order_by("starts_at").first()
    return timezone.localtime(first.starts_at).date() if first else None


@dataclass
class RefundQuote:
    amount: Decimal
    percent: int
    rule: str


def quote_refund(*, enrolment: Enrolment, on: datetime.date, action: str = "withdrawal") -> RefundQuote:
    """The credit for giving up a charged place on a date, by the edition's refund rule (set by the provider; the
    programme documents say nothing about cancellations, withdrawals or refunds). `action` names it in the rule."""
    edition = enrolment.edition
    first = first_training_day(enrolment.cluster)
    if first is None or on < first:
        percent = edition.refund_before_start_percent
        when = f"before the first training day ({first:%-d %B %Y})" if first else "before any training day"
    else:
        percent = edition.refund_after_start_percent
        when = f"on or after the first training day ({first:%-d %B %Y})"
    amount = (enrolment.fee * percent / Decimal(100)).quantize(Decimal("0.01"))
    return RefundQuote(amount=amount, percent=percent, rule=f"{percent}% of the fee for a {action} {when}")


def quote_cancellation(*, enrolment: Enrolment, on: datetime.date) -> RefundQuote | None:
    """What cancelling a place on a date credits: None for a place not on the invoice (the waiting list), else
    the edition's refund rule, as for a withdrawal. Every booking is invoiced when it is made, so an enrolled
    place is always invoiced, paid or not."""
    if enrolment.status != Enrolment.Status.ENROLLED:
        return None
    return quote_refund(enrolment=enrolment, on=on, action="cancellation")
