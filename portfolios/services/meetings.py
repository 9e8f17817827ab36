"""Mentor meetings and the mentor's supporting statement."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from portfolios.models import (
    MentorMeeting,
    Portfolio,
    SupportingStatement,
)

# --- Mentor meetings and the supporting statement ----------------------------------------------


MEETING_IN_FUTURE = "A meeting can only be logged once it has happened: the date cannot be in the future."


def check_meeting_date(*, held_on: datetime.date, today: datetime.date) -> None:
    """Refuse a meeting date after `today` (the form asks this with its other checks, the service again)."""
    if held_on > today:
        raise ValidationError(MEETING_IN_FUTURE)


def meeting_log(
    *,
    actor: Any,
    portfolio: Portfolio,
    held_on: datetime.date,
    minutes: int,
    topics: str,
    agreed_actions: str = "",
    today: datetime.date | None = None,
) -> MentorMeeting:
    """Log a meeting; it counts as confirmed by whoever logged it, and awaits the other's confirmation."""
    try:
        check_meeting_date(held_on=held_on, today=today or timezone.localdate())
    except ValidationError as error:
        raise ValidationError({"held_on": error.messages}) from error
    now = timezone.now()
    meeting = MentorMeeting(
        organisation_id=portfolio.organisation_id,
        portfolio=portfolio,
        held_on=held_on,
        minutes=minutes,
        topics=topics.strip(),
        agreed_actions=agreed_actions.strip(),
        logged_by=actor,
        mentor_confirmed_at=now if actor.pk == portfolio.enrolment.mentor_id else None,
        participant_confirmed_at=now if actor.pk == portfolio.enrolment.participant_id else None,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


def meeting_confirm(*, actor: Any, meeting: MentorMeeting) -> MentorMeeting:
    enrolment = meeting.portfolio.enrolment
    now = timezone.now()
    if actor.pk == enrolment.mentor_id and not meeting.mentor_confirmed_at:
        meeting.mentor_confirmed_at = now
    elif actor.pk == enrolment.participant_id and not meeting.participant_confirmed_at:
        meeting.participant_confirmed_at = now
    else:
        raise ValidationError("You have already confirmed this meeting.")
    meeting.save()
    return meeting


def statement_save(*, actor: Any, portfolio: Portfolio, body: str) -> SupportingStatement:
    if portfolio.enrolment.mentor_id != actor.pk:
        raise ValidationError("Only the participant's mentor writes the supporting statement.")
    if len(body.strip()) < 50:
        raise ValidationError({"body": "Write at least a few sentences (50 characters or more)."})
    statement, _ = SupportingStatement.objects.update_or_create(
        portfolio=portfolio,
        defaults={"organisation_id": portfolio.organisation_id, "mentor": actor, "body": body.strip()},
    )
    return statement
