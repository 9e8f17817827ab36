"""Reads for fees: the fee a school pays for a place, and the provider's fee figures by edition."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Sum,
)

from organisations.models import Organisation
from qualifications import permissions as perms
from qualifications.models import (
    CreditNote,
    DeliveryModel,
    Edition,
    Enrolment,
    FeeRule,
)
from qualifications.selectors.bookings import ACTIVE, charged_q

if TYPE_CHECKING:
    pass


@dataclass
class FeeQuote:
    amount: Decimal
    is_member: bool
    associations: list[str]


def quote_fee(*, edition: Edition, delivery_model: str, school: Organisation, on: datetime.date) -> FeeQuote:
    """The fee per place for a school on a date: member rate when the school belongs to one of the edition's
    associations on that date, the other rate otherwise."""
    associations = sorted(school.associations_on(on))
    is_member = bool(set(associations) & set(edition.member_associations))
    rule = FeeRule.objects.filter(
        edition=edition, delivery_model=delivery_model, is_member=is_member, retired_at__isnull=True
    ).first()
    if rule is None:
        label = dict(DeliveryModel.choices).get(delivery_model, delivery_model)
        raise ValidationError(f"{edition} has no fee for the {label.lower()}, so it cannot be booked.")
    return FeeQuote(amount=rule.amount, is_member=is_member, associations=associations)


def fees_by_edition(user: Any) -> list[dict[str, Any]]:
    """For a programme administrator: per edition, places sold, invoiced and unpaid totals."""
    rows = []
    editions = Edition.objects.filter(organisation_id__in=perms.admin_provider_ids(user)).select_related(
        "programme", "academic_year"
    )
    for edition in editions:
        active = Enrolment.objects.filter(edition=edition, status__in=ACTIVE)
        charged = Enrolment.objects.filter(charged_q(), edition=edition)
        credits = CreditNote.objects.filter(booking__edition=edition)
        total = (charged.aggregate(t=Sum("fee"))["t"] or Decimal("0")) - (
            credits.aggregate(t=Sum("amount"))["t"] or Decimal("0")
        )
        unpaid = (charged.filter(booking__paid=False).aggregate(t=Sum("fee"))["t"] or Decimal("0")) - (
            credits.filter(booking__paid=False).aggregate(t=Sum("amount"))["t"] or Decimal("0")
        )
        rows.append(
            {
                "edition": edition,
                "places": active.count(),
                "waiting": Enrolment.objects.filter(
                    edition=edition, status=Enrolment.Status.WAITLISTED
                ).count(),
                "total": total,
                "unpaid": unpaid,
                "rules": list(edition.fee_rules.filter(retired_at__isnull=True)),
            }
        )
    return rows
