"""Money as people read it on invoices and pages: £1,350.00 (and −£62.50 for a credit)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


def format_gbp(value: Any) -> str:
    """£ with thousands separators and two decimal places; a minus sign before the £ for a negative amount."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(value)
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@register.filter
def gbp(value: Any) -> str:
    """{{ amount|gbp }} → £1,350.00"""
    return format_gbp(value)


@register.filter
def credited(percent: Any) -> str:
    """A refund percentage as the part of the fee credited: "no part of the fee", "the whole fee", "50% of the fee"."""
    from qualifications.selectors.bookings import (
        credited_share,
    )  # models import this module: no cycle at load

    return credited_share(int(percent))


_FEE_INCLUDES_LEAD = re.compile(r"^\s*(?:the\s+)?fees?\s+includes?\s*:?\s*", re.IGNORECASE)


@register.filter
def fee_inclusions(text: Any) -> str:
    """What an edition's fee includes, without its own lead-in ("Fees include …"), to follow "The fee includes:"."""
    return _FEE_INCLUDES_LEAD.sub("", str(text or ""), count=1)
