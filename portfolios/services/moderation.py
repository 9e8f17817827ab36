"""Drawing the external moderation sample, moderating it, and finalising (certificates for the satisfactory)."""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from portfolios import sampling, selectors
from portfolios.models import (
    Certificate,
    ModerationSample,
    Outcome,
    Portfolio,
    Review,
    SampleItem,
)
from portfolios.services.certificates import certificate_issue

# --- Moderation --------------------------------------------------------------------------------


def sample_draw(*, actor: Any, edition: Any, seed: int | None = None) -> ModerationSample:
    """Draw (and record) the moderation sample by the rule in standards.md."""
    population = selectors.moderation_population(edition)
    if not population:
        raise ValidationError("No portfolios of this edition have been reviewed yet.")
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    minimum = getattr(settings, "PORTFOLIOS_MODERATION_MINIMUM", sampling.DEFAULT_MINIMUM)
    items = [
        sampling.Reviewed(
            id=r.pk,
            cluster=str(r.submission.portfolio.enrolment.cluster_id),
            reviewer=str(r.reviewer_id),
            delivery_model=r.submission.portfolio.enrolment.cluster.delivery_model,
            satisfactory=r.outcome == Outcome.SATISFACTORY,
            borderline=r.borderline,
            rating=r.rating or 3,
        )
        for r in population
    ]
    picks = sampling.draw_sample(items, seed=seed, minimum=minimum)
    with transaction.atomic():
        sample = ModerationSample(
            organisation_id=edition.organisation_id,
            edition=edition,
            seed=seed,
            minimum=minimum,
            population=sorted(r.pk for r in population),
            drawn_by=actor,
            drawn_at=timezone.now(),
        )
        sample.full_clean()
        sample.save()
        for n, pick in enumerate(picks, start=1):
            SampleItem.objects.create(
                organisation_id=edition.organisation_id,
                sample=sample,
                review_id=pick.id,
                reasons=list(pick.reasons),
                pseudonym=f"Portfolio {n:03d}",
            )
    record_event(
        action="sample", actor=actor, obj=sample, note=f"seed {seed}, {len(picks)} of {len(population)}"
    )
    return sample


def sample_item_moderate(*, actor: Any, item: SampleItem, verdict: str, reasons: str) -> SampleItem:
    if ModerationSample.objects.filter(pk=item.sample_id, finalised_at__isnull=False).exists():
        raise ValidationError("Outcomes are final; moderation is closed.")
    if verdict not in SampleItem.Verdict.values:
        raise ValidationError({"verdict": "Choose agree or disagree."})
    if verdict == SampleItem.Verdict.DISAGREE and len(reasons.strip()) < 10:
        raise ValidationError({"moderator_reasons": "Give your reasons for disagreeing."})
    item.verdict = verdict
    item.moderator_reasons = reasons.strip()
    item.moderator = actor
    item.moderated_at = timezone.now()
    item.full_clean()
    item.save()
    return item


def sample_item_resolve(*, actor: Any, item: SampleItem, outcome: str, note: str) -> SampleItem:
    if item.verdict != SampleItem.Verdict.DISAGREE:
        raise ValidationError("Only a disagreement needs resolving.")
    if outcome not in Outcome.values or not note.strip():
        raise ValidationError("Choose the final outcome and say why.")
    item.resolved_outcome = outcome
    item.resolution_note = note.strip()
    item.resolved_by = actor
    item.resolved_at = timezone.now()
    item.save()
    return item


def sample_finalise(*, actor: Any, sample: ModerationSample, base_url: str) -> list[Certificate]:
    """Make outcomes final once every sampled portfolio is agreed or resolved; certify satisfactory ones."""
    unsettled = [i for i in sample.items.all() if not i.settled]
    if unsettled:
        raise ValidationError(
            f"{len(unsettled)} sampled portfolio(s) still need a moderator's verdict or a resolution."
        )
    if sample.finalised_at:
        raise ValidationError("These outcomes are already final.")
    overrides = {i.review_id: i.resolved_outcome for i in sample.items.all() if i.resolved_outcome}
    issued = []
    with transaction.atomic():
        for review in Review.objects.filter(pk__in=sample.population).select_related("submission__portfolio"):
            portfolio = review.submission.portfolio
            outcome = overrides.get(review.pk, review.outcome)
            if outcome == Outcome.NOT_YET and portfolio.status == Portfolio.Status.RESUBMISSION:
                continue  # the resubmission window is still open
            portfolio.final_outcome = outcome
            portfolio.finalised_at = timezone.now()
            portfolio.status = Portfolio.Status.FINAL
            portfolio.save(update_fields=["final_outcome", "finalised_at", "status", "updated_at"])
            if outcome == Outcome.SATISFACTORY:
                issued.append(certificate_issue(portfolio=portfolio, base_url=base_url, actor=actor))
        sample.finalised_at = timezone.now()
        sample.save(update_fields=["finalised_at"])
    return issued
