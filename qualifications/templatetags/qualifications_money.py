"""Money as people read it on invoices and pages: £1,350.00 (and −£62.50 for a credit)."""

from __future__ import annotations

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
