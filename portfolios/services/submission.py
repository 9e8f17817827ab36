"""Submitting a portfolio (a frozen snapshot of everything judged), and extensions."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from portfolios import selectors
from portfolios.models import (
    Portfolio,
    Submission,
)

# --- Submission --------------------------------------------------------------------------------


def portfolio_submit(*, actor: Any, portfolio: Portfolio, today: datetime.date | None = None) -> Submission:
    """Submit: refused with every reason that applies; otherwise freezes an immutable snapshot."""
    today = today or timezone.localdate()
    if actor.pk != portfolio.enrolment.participant_id:
        raise ValidationError("Only the participant submits their portfolio.")
    problems = selectors.submission_problems(portfolio, today)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = Portfolio.objects.select_for_update().get(
            organisation_id=portfolio.organisation_id, pk=portfolio.pk
        )
        number = (locked.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
        submission = Submission(
            organisation_id=locked.organisation_id,
            portfolio=locked,
            number=number,
            submitted_by=actor,
            submitted_at=timezone.now(),
            late=today > locked.enrolment.edition.portfolio_deadline,
            snapshot=selectors.snapshot(locked),
        )
        submission.full_clean()
        submission.save()
        locked.status = Portfolio.Status.SUBMITTED
        locked.save(update_fields=["status", "updated_at"])
    portfolio.refresh_from_db()
    return submission


def extension_grant(*, actor: Any, portfolio: Portfolio, until: datetime.date, reason: str) -> Portfolio:
    if until <= portfolio.enrolment.edition.portfolio_deadline:
        raise ValidationError({"until": "An extension must end after the edition's deadline."})
    portfolio.extension_until = until
    portfolio.extension_reason = reason.strip()
    portfolio.full_clean()
    portfolio.save(update_fields=["extension_until", "extension_reason", "updated_at"])
    return portfolio
