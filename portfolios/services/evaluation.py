"""The participant's evaluation of the programme."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from portfolios.models import (
    EvaluationResponse,
    Portfolio,
)

# --- Evaluation --------------------------------------------------------------------------------


def evaluation_submit(*, actor: Any, portfolio: Portfolio, answers: dict[str, Any]) -> EvaluationResponse:
    if actor.pk != portfolio.enrolment.participant_id:
        raise ValidationError("Only the participant answers the evaluation.")
    if EvaluationResponse.objects.filter(portfolio=portfolio).exists():
        raise ValidationError("You have already answered the evaluation. Thank you.")
    response = EvaluationResponse(
        organisation_id=portfolio.organisation_id,
        provider_id=portfolio.provider_id,
        portfolio=portfolio,
        **answers,
    )
    response.full_clean()
    response.save()
    return response
