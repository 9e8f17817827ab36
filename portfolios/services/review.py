"""Allocating submissions to reviewers with no conflict of interest, and recording their reviews."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from portfolios import selectors
from portfolios.models import (
    ModuleJudgement,
    Outcome,
    Portfolio,
    Review,
    Submission,
)
from portfolios.services.common import RESUBMISSION_WEEKS, notify

# --- Review ------------------------------------------------------------------------------------


@dataclass
class Allocation:
    """What `allocate` did: the reviews made, and the portfolios no chosen reviewer may take (with why)."""

    reviews: list[Review] = field(default_factory=list)
    unallocated: list[tuple[Submission, str]] = field(default_factory=list)


def reviews_allocate(
    *, actor: Any, provider: Any, reviewers: list[Any], submissions: list[Submission]
) -> Allocation:
    """Allocate unallocated submissions to reviewers, always to the one with the fewest reviews so far.

    A reviewer never gets a participant from a school where they work, nor one they mentor; a portfolio that
    none of the chosen reviewers may take is left unallocated and reported with the reason.
    """
    if not reviewers:
        raise ValidationError("Choose at least one reviewer.")
    loads = dict(
        Review.objects.filter(provider=provider, reviewer__in=reviewers)
        .values("reviewer")
        .annotate(n=Count("id"))
        .values_list("reviewer", "n")
    )
    by_id = {r.pk: r for r in reviewers}
    load = {r.pk: loads.get(r.pk, 0) for r in reviewers}
    schools = selectors.reviewer_school_ids(reviewers)
    result = Allocation()
    now = timezone.now()
    with transaction.atomic():
        for submission in sorted(submissions, key=lambda s: s.pk):
            if Review.objects.filter(submission=submission).exists():
                continue
            enrolment = submission.portfolio.enrolment
            conflicts = {pk: selectors.reviewer_conflict(by_id[pk], enrolment, schools[pk]) for pk in by_id}
            eligible = [pk for pk in by_id if not conflicts[pk]]
            if not eligible:
                reasons = "; ".join(conflicts[pk] for pk in sorted(by_id))
                result.unallocated.append(
                    (
                        submission,
                        f"{enrolment.participant.full_name} ({enrolment.organisation}) is not allocated: "
                        f"no chosen reviewer is independent of their school ({reasons}). "
                        "Choose another reviewer.",
                    )
                )
                continue
            previous = Review.objects.filter(submission__portfolio=submission.portfolio).first()
            # A resubmission goes back to the reviewer who judged it first, where possible.
            if previous is not None and previous.reviewer_id in eligible:
                chosen = previous.reviewer_id
            else:
                chosen = min(eligible, key=lambda pk: (load[pk], by_id[pk].full_name, pk))
            review = Review(
                organisation_id=submission.organisation_id,
                provider=provider,
                submission=submission,
                reviewer=by_id[chosen],
                allocated_by=actor,
                allocated_at=now,
            )
            review.full_clean()
            review.save()
            load[chosen] += 1
            result.reviews.append(review)
    return result


def review_record(
    *,
    actor: Any,
    review: Review,
    judgements: dict[int, tuple[str, str]],
    outcome: str,
    feedback: str,
    rating: int,
    borderline: bool,
    today: datetime.date | None = None,
) -> Review:
    """The reviewer's judgement of each module and the whole; 'not yet' opens the one resubmission window."""
    today = today or timezone.localdate()
    if review.reviewer_id != actor.pk:
        raise ValidationError("Only the allocated reviewer may judge this portfolio.")
    if review.completed_at:
        raise ValidationError("This review is already complete.")
    portfolio = review.submission.portfolio
    modules = list(portfolio.enrolment.level.modules.all())
    missing = [m for m in modules if m.pk not in judgements]
    if missing:
        raise ValidationError(f"Judge every module: {', '.join(str(m) for m in missing)}.")
    if outcome == Outcome.SATISFACTORY and any(judgements[m.pk][0] != Outcome.SATISFACTORY for m in modules):
        raise ValidationError("The whole cannot be satisfactory while a module is not yet satisfactory.")
    with transaction.atomic():
        for module in modules:
            module_outcome, module_feedback = judgements[module.pk]
            judgement = ModuleJudgement(
                organisation_id=review.organisation_id,
                review=review,
                module=module,
                outcome=module_outcome,
                feedback=module_feedback.strip(),
            )
            judgement.full_clean()
            judgement.save()
        review.outcome = outcome
        review.feedback = feedback.strip()
        review.rating = rating
        review.borderline = borderline
        review.completed_at = timezone.now()
        review.full_clean()
        review.save()
        if outcome == Outcome.NOT_YET and review.submission.number == 1:
            portfolio.status = Portfolio.Status.RESUBMISSION
            portfolio.resubmit_by = today + datetime.timedelta(weeks=RESUBMISSION_WEEKS)
        else:
            portfolio.status = Portfolio.Status.REVIEWED
        portfolio.save(update_fields=["status", "resubmit_by", "updated_at"])
        participant = portfolio.enrolment.participant
        if portfolio.status == Portfolio.Status.RESUBMISSION:
            next_step = f"You may revise and resubmit it once, by {portfolio.resubmit_by:%-d %B %Y}."
        else:
            next_step = "The outcome becomes final after external moderation."
        notify(
            [participant.email],
            "Your portfolio has been reviewed",
            f"Your portfolio for {portfolio.enrolment.level} has been reviewed: "
            f"{review.get_outcome_display().lower()}. {next_step} The feedback is in Pastoral.",
        )
    return review
