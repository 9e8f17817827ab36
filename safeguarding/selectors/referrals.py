"""Reading referrals: what a user may see, each referral's current step and timer, and the overdue ones."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone

from safeguarding.models import Agency, Referral, ReferralUpdate
from safeguarding.permissions import safeguarding_pupil_q

MADE = "Made"


def visible_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals on the files this user may open, and the ones they made themselves."""
    return Referral.objects.filter(safeguarding_pupil_q(user, prefix="pupil__") | Q(made_by=user))


def with_timers(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Annotate `answered` (the answer the agency's timer waits for has come) and `closed`."""
    updates = ReferralUpdate.objects.filter(referral=OuterRef("pk"))
    decided = updates.exclude(status=ReferralUpdate.Status.ACKNOWLEDGED)
    return referrals.annotate(
        any_update=Exists(updates),
        decided=Exists(decided),
        closed=Exists(updates.filter(status=ReferralUpdate.Status.CLOSED)),
    )


def _unanswered() -> Q:
    return (Q(agency__awaits=Agency.Awaits.ACKNOWLEDGEMENT) & Q(any_update=False)) | (
        Q(agency__awaits=Agency.Awaits.DECISION) & Q(decided=False)
    )


def overdue(referrals: QuerySet[Referral], today: datetime.date | None = None) -> QuerySet[Referral]:
    """Referrals whose answer was due before today and has not come (closed ones never are overdue)."""
    today = today or timezone.localdate()
    return (
        with_timers(referrals)
        .filter(_unanswered(), closed=False, answer_due_on__lt=today)  # type: ignore[misc]  # annotated
        .select_related("pupil", "agency", "made_by")
        .order_by("answer_due_on", "id")
    )


def _first_on(updates: QuerySet[ReferralUpdate]) -> Subquery:
    """The earliest `on` among these updates of the outer referral (None when there is none)."""
    return Subquery(
        updates.filter(referral=OuterRef("pk"))
        .order_by()
        .values("referral")
        .annotate(first=Min("on"))
        .values("first")[:1]
    )


def with_answers(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Annotate `answered_on`: the day the answer the agency's timer waits for came (an acknowledgement, or for an
    agency that owes a decision the first step past acknowledging), as `timer` reads it; None while it has not."""
    every = ReferralUpdate.objects.all()
    decided = every.exclude(status=ReferralUpdate.Status.ACKNOWLEDGED)
    return referrals.annotate(
        answered_on=Case(
            When(agency__awaits=Agency.Awaits.DECISION, then=_first_on(decided)),
            default=_first_on(every),
        )
    )


def open_referrals(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Referrals not closed, each with `answered_on` (the answer's day, when it has come)."""
    unclosed = with_timers(referrals).filter(closed=False)  # type: ignore[misc]  # annotated by with_timers
    return with_answers(unclosed).select_related("pupil", "agency", "made_by")


def closed_referrals(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Closed referrals, most recently closed first, each with `closed_on` and `closed_note` (the outcome)."""
    closing = ReferralUpdate.objects.filter(
        referral=OuterRef("pk"), status=ReferralUpdate.Status.CLOSED
    ).order_by("-on", "-id")
    return (
        with_answers(referrals)
        .annotate(
            closed_on=Subquery(closing.values("on")[:1]),
            closed_note=Subquery(closing.values("note")[:1]),
        )
        .filter(closed_on__isnull=False)
        .select_related("pupil", "agency", "made_by")
        .order_by(F("closed_on").desc(), "-id")
    )


@dataclass
class Timer:
    due_on: datetime.date
    answered_on: datetime.date | None
    overdue: bool
    days_over: int
    status: str


def timer(referral: Referral, today: datetime.date | None = None) -> Timer:
    """A referral's timer: when the answer was due, when it came, whether it is overdue, and the current step."""
    today = today or timezone.localdate()
    updates = list(referral.updates.all())
    wanted = [
        u
        for u in updates
        if referral.agency.awaits == Agency.Awaits.ACKNOWLEDGEMENT
        or u.status != ReferralUpdate.Status.ACKNOWLEDGED
    ]
    answered_on = min((u.on for u in wanted), default=None)
    closed = any(u.status == ReferralUpdate.Status.CLOSED for u in updates)
    late = answered_on is None and not closed and today > referral.answer_due_on
    status = updates[-1].get_status_display() if updates else MADE
    return Timer(
        referral.answer_due_on,
        answered_on,
        late,
        (today - referral.answer_due_on).days if late else 0,
        status,
    )
