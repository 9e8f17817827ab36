"""Safety-net meetings: scheduled twice a term per site or curriculum area; attendance, minutes per student and
actions are written once (a later minute or action says what changed) and audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from organisations import calendar
from safeguarding import permissions
from safeguarding.models import (
    MeetingAction,
    MeetingActionDone,
    MeetingAttendance,
    MeetingMinute,
    SafetyNetMeeting,
)


def _saved(row: Any) -> Any:
    row.full_clean()
    with transaction.atomic():
        row.save()
    return row


def meeting_schedule(
    *,
    actor: Any,
    organisation: Any,
    area: str,
    on: datetime.date,
    site: Any = None,
    year_group: int | None = None,
    group: Any = None,
) -> SafetyNetMeeting:
    """Schedule one safety-net meeting for an area (a site, a year group or a curriculum group; none: the school)."""
    if not permissions.is_dsl_team(actor, organisation.pk):
        raise PermissionDenied("Only the DSL team schedules safety-net meetings.")
    for scope in (site, group):
        if scope is not None and scope.organisation_id != organisation.pk:
            raise ValidationError("The area must be one of this school's.")
    meeting = SafetyNetMeeting(
        organisation=organisation,
        area=area.strip(),
        site=site,
        year_group=year_group,
        group=group,
        on=on,
        created_by=actor,
    )
    return _saved(meeting)


def meetings_for_term(
    *,
    actor: Any,
    organisation: Any,
    starts_on: datetime.date,
    ends_on: datetime.date,
    area: str,
    **scope: Any,
) -> list[SafetyNetMeeting]:
    """Schedule the term's two meetings for an area: on the school days a third and two thirds of the way
    through the term's school days (organisations.calendar)."""
    days = calendar.school_days_between(organisation, starts_on, ends_on, scope.get("site"))
    if len(days) < 2:
        raise ValidationError("The term has fewer than two school days.")
    picks = [days[len(days) // 3], days[(2 * len(days)) // 3]]
    with transaction.atomic():
        return [
            meeting_schedule(actor=actor, organisation=organisation, area=area, on=day, **scope)
            for day in picks
        ]


def _check(actor: Any, meeting: SafetyNetMeeting, pupil: Any = None) -> None:
    if not permissions.is_dsl_team(actor, meeting.organisation_id):
        raise PermissionDenied("Only the DSL team writes a safety-net meeting's record.")
    if pupil is not None and not permissions.can_view_file(actor, pupil):
        raise PermissionDenied("This student's file is outside your area.")


def attendance_record(
    *, actor: Any, meeting: SafetyNetMeeting, name: str, role: str = "", present: bool = True
) -> MeetingAttendance:
    """Record who attended the meeting (or sent apologies)."""
    _check(actor, meeting)
    row = MeetingAttendance(
        organisation_id=meeting.organisation_id,
        meeting=meeting,
        name=name.strip(),
        role=role.strip(),
        present=present,
    )
    return _saved(row)


def minute_add(*, actor: Any, meeting: SafetyNetMeeting, pupil: Any, text: str) -> MeetingMinute:
    """Minute what the meeting said about one student."""
    _check(actor, meeting, pupil)
    row = MeetingMinute(
        organisation_id=meeting.organisation_id,
        meeting=meeting,
        pupil=pupil,
        text=text.strip(),
        recorded_by=actor,
    )
    return _saved(row)


def meeting_action_add(
    *,
    actor: Any,
    meeting: SafetyNetMeeting,
    description: str,
    owner: Any,
    due_on: datetime.date,
    pupil: Any = None,
) -> MeetingAction:
    """An action from the meeting, with its owner and due date (carried to the next meeting until done)."""
    _check(actor, meeting, pupil)
    row = MeetingAction(
        organisation_id=meeting.organisation_id,
        meeting=meeting,
        pupil=pupil,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
    )
    return _saved(row)


def meeting_action_done(
    *, actor: Any, action: MeetingAction, done_on: datetime.date, note: str
) -> MeetingActionDone:
    _check(actor, action.meeting, action.pupil)
    if MeetingActionDone.objects.filter(action=action).exists():
        raise ValidationError("This action is already recorded as done.")
    row = MeetingActionDone(
        organisation_id=action.organisation_id,
        action=action,
        done_on=done_on,
        note=note.strip(),
        recorded_by=actor,
    )
    row.full_clean(exclude=["action"])
    with transaction.atomic():
        row.save()
    return row
