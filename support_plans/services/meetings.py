"""Meetings as they are recorded once held: the initial meeting starts the clock, reviews and the final meeting
record each target's progress."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from support_plans.models import Meeting, Party, SupportPlan, TargetProgress
from support_plans.services._base import saved


@transaction.atomic
def meeting_record(
    *,
    actor: Any,
    plan: SupportPlan,
    kind: str,
    held_on: datetime.date,
    summary: str,
    agenda: str = "",
    attendees: list[Party] | None = None,
    week: int | None = None,
    commitments_review: str = "",
    further_measures: str = "",
    progress: dict[int, tuple[str, str]] | None = None,
    today: datetime.date | None = None,
) -> Meeting:
    """Record a meeting. The initial meeting needs targets and starts the plan's clock; reviews and the final
    meeting come after it and record each target's progress. A meeting is recorded once held: never on a day
    still to come (`today` is the clock), never before the meeting it follows, and a review within the programme's
    weeks."""
    if not plan.is_open:
        raise ValidationError("This plan is closed.")
    _check_meeting_date(plan, kind, held_on, week, today or timezone.localdate())
    held = plan.meetings.all()
    if kind == Meeting.Kind.INITIAL:
        if held.filter(kind=Meeting.Kind.INITIAL).exists():
            raise ValidationError("The initial meeting is already recorded.")
        if not plan.targets.filter(is_active=True).exists():
            raise ValidationError("Agree at least one SMART target before recording the initial meeting.")
    else:
        if not held.filter(kind=Meeting.Kind.INITIAL).exists():
            raise ValidationError("Record the initial meeting first.")
        if held.filter(kind=Meeting.Kind.FINAL).exists():
            raise ValidationError("The final meeting is already recorded.")
        if kind == Meeting.Kind.REVIEW and week is None:
            raise ValidationError({"week": "Say which review point this is."})
        if kind == Meeting.Kind.REVIEW and held.filter(kind=Meeting.Kind.REVIEW, week=week).exists():
            raise ValidationError({"week": f"The {week}-week review is already recorded."})
    if not attendees:
        raise ValidationError({"attendees": "Record who attended."})
    meeting = saved(
        Meeting(
            organisation_id=plan.organisation_id,
            plan=plan,
            kind=kind,
            held_on=held_on,
            summary=summary,
            agenda=agenda,
            week=week if kind == Meeting.Kind.REVIEW else None,
            commitments_review=commitments_review,
            further_measures=further_measures,
            recorded_by=actor,
        )
    )
    meeting.attendees.set(attendees)
    for target_id, (value, note) in (progress or {}).items():
        if value:
            saved(
                TargetProgress(
                    organisation_id=plan.organisation_id,
                    meeting=meeting,
                    target_id=target_id,
                    progress=value,
                    note=note,
                )
            )
    if kind == Meeting.Kind.INITIAL:
        plan.status = SupportPlan.Status.ACTIVE
        plan.starts_on = held_on
        saved(plan)
    return meeting


@transaction.atomic
def initial_meeting_correct(
    *, actor: Any, plan: SupportPlan, held_on: datetime.date, today: datetime.date | None = None
) -> Meeting:
    """Correct the date of a recorded initial meeting, while no other meeting has been held: the plan's clock
    restarts from the corrected date (its reviews and end fall due from it exactly as for a new initial meeting),
    and its monitoring report card, dated from the initial meeting, moves with it. The meeting and the plan are
    tracked, so the audit log keeps the old date and the new."""
    if not plan.is_open:
        raise ValidationError("This plan is closed.")
    initial = plan.meetings.filter(kind=Meeting.Kind.INITIAL).first()
    if initial is None:
        raise ValidationError("The initial meeting is not recorded yet: record it with its date.")
    later = plan.meetings.exclude(kind=Meeting.Kind.INITIAL).order_by("held_on").first()
    if later is not None:
        raise ValidationError(
            f"The {later} is recorded, and it was due from the initial meeting's date: that date can no longer "
            "be changed."
        )
    _check_held_on(plan, held_on, today or timezone.localdate())
    if held_on == initial.held_on:
        return initial
    _move_report_card(plan, initial.held_on, held_on)
    initial.held_on = held_on
    saved(initial)
    plan.starts_on = held_on
    saved(plan)
    return initial


def _move_report_card(plan: SupportPlan, old: datetime.date, new: datetime.date) -> None:
    """The plan's report card runs from the initial meeting for the programme's weeks (`monitoring_set`): a card
    dated from the old date moves to the new one; scores already recorded before the new date block the move."""
    card = plan.report_card
    if card is None or card.starts_on != old:
        return
    scored = card.entries.filter(date__lt=new).order_by("date").values_list("date", flat=True).first()
    if scored is not None:
        raise ValidationError(
            {
                "held_on": f"The report card has scores from {scored:%-d %B %Y}, before this date: the initial "
                "meeting cannot be after them."
            }
        )
    card.starts_on, card.ends_on = new, new + datetime.timedelta(weeks=plan.length_weeks)
    saved(card)


def _check_held_on(plan: SupportPlan, held_on: datetime.date, today: datetime.date) -> None:
    """Any meeting: held by today. (It may be before the plan was opened here: a PSP already running when the school
    starts recording it. The plan page then says so, and a mistyped initial date can be corrected,
    `initial_meeting_correct`.)"""
    if held_on > today:
        raise ValidationError(
            {"held_on": "A meeting is recorded once it has been held: the date cannot be in the future."}
        )


@transaction.atomic
def _check_meeting_date(
    plan: SupportPlan, kind: str, held_on: datetime.date, week: int | None, today: datetime.date
) -> None:
    _check_held_on(plan, held_on, today)
    last = plan.meetings.order_by("-held_on").first()
    if last is not None and held_on < last.held_on:
        raise ValidationError(
            {"held_on": f"Meetings are recorded in order: the {last} comes before this date."}
        )
    if kind == Meeting.Kind.REVIEW and plan.ends_on is not None and held_on > plan.ends_on:
        raise ValidationError(
            {
                "held_on": f"The programme's weeks ended on {plan.ends_on:%d %B %Y}: record the final meeting instead."
            }
        )
    later = plan.meetings.filter(kind=Meeting.Kind.REVIEW, week__gt=week or 0).order_by("week").first()
    if kind == Meeting.Kind.REVIEW and later is not None:
        raise ValidationError(
            {"week": f"The {later.week}-week review is already recorded: reviews go in order."}
        )
