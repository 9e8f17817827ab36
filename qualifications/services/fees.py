"""Writes for fees: the fee rules of an edition (one current rule per delivery model and membership)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qualifications.models import (
    Edition,
    FeeRule,
)


@transaction.atomic
def fees_update(*, actor: Any, edition: Edition, amounts: dict[int, Decimal]) -> int:
    """Set the fee amounts of an edition's fee rules (in the annual review). Bookings keep their frozen fees."""
    changed = 0
    for rule in edition.fee_rules.select_for_update().filter(pk__in=amounts.keys(), retired_at__isnull=True):
        if rule.amount != amounts[rule.pk]:
            rule.amount = amounts[rule.pk]
            rule.full_clean()
            rule.save(update_fields=["amount"])
            changed += 1
    return changed


def _check_fee_rule_free(rule: FeeRule) -> None:
    clash = FeeRule.objects.filter(
        edition_id=rule.edition_id,
        delivery_model=rule.delivery_model,
        is_member=rule.is_member,
        retired_at__isnull=True,
    ).exclude(pk=rule.pk)
    if clash.exists():
        who = "member schools" if rule.is_member else "other schools"
        raise ValidationError(
            f"{rule.edition} already has a fee for the {rule.get_delivery_model_display().lower()} and {who}: "
            "change that one, or retire it first."
        )


def fee_rule_create(
    *, actor: Any, edition: Edition, delivery_model: str, is_member: bool, amount: Decimal
) -> FeeRule:
    """Add a fee (per participant per level) for a delivery model and membership; one current rule each."""
    with transaction.atomic():
        Edition.objects.select_for_update().get(pk=edition.pk)
        rule = FeeRule(
            organisation=edition.organisation,
            edition=edition,
            delivery_model=delivery_model,
            is_member=is_member,
            amount=amount,
        )
        _check_fee_rule_free(rule)
        rule.full_clean()
        rule.save()
    return rule


def fee_rule_update(
    *, actor: Any, rule: FeeRule, delivery_model: str, is_member: bool, amount: Decimal
) -> FeeRule:
    """Change a current fee rule. Bookings already made keep the fee frozen on them."""
    with transaction.atomic():
        Edition.objects.select_for_update().get(pk=rule.edition_id)
        rule = FeeRule.objects.select_for_update().get(pk=rule.pk)
        if rule.is_retired:
            raise ValidationError("A retired fee cannot be changed.")
        rule.delivery_model, rule.is_member, rule.amount = delivery_model, is_member, amount
        _check_fee_rule_free(rule)
        rule.full_clean()
        rule.save()
    return rule


def fee_rule_retire(*, actor: Any, rule: FeeRule) -> FeeRule:
    """Retire a fee rule: new bookings on that delivery model and membership are refused until a new rule is
    added. The rule is kept for the record and bookings already made keep their fee."""
    with transaction.atomic():
        rule = FeeRule.objects.select_for_update().get(pk=rule.pk)
        if rule.is_retired:
            raise ValidationError("This fee is already retired.")
        rule.retired_at = timezone.now()
        rule.retired_by = actor
        rule.save(update_fields=["retired_at", "retired_by"])
    return rule
