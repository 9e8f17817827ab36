"""What every write to a plan shares: validate before saving, and refuse work on a closed programme."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError

from support_plans.models import SupportPlan

M = TypeVar("M")


def saved(obj: M) -> M:
    """Validate the record (`full_clean`) and save it."""
    obj.full_clean()  # type: ignore[attr-defined]
    obj.save()  # type: ignore[attr-defined]
    return obj


def require_open(plan: SupportPlan) -> None:
    """Refuse a change to a closed programme."""
    if not plan.is_open:
        raise ValidationError("This programme is closed.")
