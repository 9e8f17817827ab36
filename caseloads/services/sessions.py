"""The tutorial programme and group sessions: plan one, record it delivered with who attended, cancel it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from caseloads.models import GroupSession, SessionAttendance, Topic
from organisations.models import AcademicYear


def academic_year_for(on: datetime.date) -> AcademicYear:
    """The academic year (1 September – 31 August) a date falls in; recorded once if the reference data lacks it."""
    found = AcademicYear.for_date(on)
    if found is not None:
        return found
    first = on.year if on.month >= 9 else on.year - 1
    year, _ = AcademicYear.objects.get_or_create(
        name=f"{first}-{str(first + 1)[2:]}",
        defaults={"starts_on": datetime.date(first, 9, 1), "ends_on": datetime.date(first + 1, 8, 31)},
    )
    return year


def topic_create(
    *,
    actor: Any,
    organisation: Any,
    academic_year: AcademicYear,
    term: int,
    title: str,
    year_group: int | None = None,
    description: str = "",
) -> Topic:
    topic = Topic(
        organisation=organisation,
        academic_year=academic_year,
        term=term,
        title=title,
        year_group=year_group,
        description=description,
    )
    topic.full_clean()
    topic.save()
    return topic


def topic_delete(*, actor: Any, topic: Topic) -> None:
    topic.delete()


def session_plan(
    *,
    actor: Any,
    group: Any,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    room: str = "",
    topic: Topic | None = None,
    lead: Any = None,
) -> GroupSession:
    """Plan a group session; the topic must be one of the school's programme for that year."""
    year = academic_year_for(date)
    if topic is not None and (
        topic.organisation_id != group.organisation_id or topic.academic_year_id != year.pk
    ):
        raise ValidationError({"topic": "Choose a topic from this school's programme for that year."})
    session = GroupSession(
        organisation_id=group.organisation_id,
        academic_year=year,
        group=group,
        lead=lead or actor,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        topic=topic,
    )
    session.full_clean()
    session.save()
    return session


def session_update(
    *,
    actor: Any,
    session: GroupSession,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    room: str = "",
    topic: Topic | None = None,
) -> GroupSession:
    if session.status != GroupSession.Status.PLANNED:
        raise ValidationError("Only a planned session can be rescheduled.")
    if topic is not None and topic.organisation_id != session.organisation_id:
        raise ValidationError({"topic": "Choose a topic from this school's programme."})
    session.date, session.starts_at, session.ends_at, session.room, session.topic = (
        date,
        starts_at,
        ends_at,
        room,
        topic,
    )
    session.academic_year = academic_year_for(date)
    session.full_clean()
    session.save()
    return session


def session_record(
    *,
    actor: Any,
    session: GroupSession,
    attended_ids: set[int],
    member_ids: list[int],
    notes: str = "",
    resources: str = "",
    now: datetime.datetime | None = None,
) -> GroupSession:
    """Record a session as delivered: one attendance row per member of the group (attended or not), in one go."""
    if session.status == GroupSession.Status.CANCELLED:
        raise ValidationError("A cancelled session cannot be recorded as delivered.")
    if session.date > timezone.localdate():
        raise ValidationError({"date": "A session cannot be recorded before the day it is planned for."})
    unknown = attended_ids - set(member_ids)
    if unknown:
        raise ValidationError("Some students ticked are not in this group.")
    with transaction.atomic():
        session.status = GroupSession.Status.DELIVERED
        session.notes, session.resources = notes, resources
        session.delivered_at = now or timezone.now()
        session.full_clean()
        session.save()
        SessionAttendance.objects.filter(session=session).delete()
        SessionAttendance.objects.bulk_create(
            SessionAttendance(
                organisation_id=session.organisation_id,
                session=session,
                pupil_id=pid,
                attended=pid in attended_ids,
            )
            for pid in member_ids
        )
        from audit.services import record_event

        record_event(
            action="update",
            actor=actor,
            obj=session,
            note=f"{len(attended_ids)} of {len(member_ids)} attended",
        )
    return session


def session_cancel(*, actor: Any, session: GroupSession) -> GroupSession:
    if session.status != GroupSession.Status.PLANNED:
        raise ValidationError("Only a planned session can be cancelled.")
    session.status = GroupSession.Status.CANCELLED
    session.save(update_fields=["status"])
    return session
