"""Meetings the school arranges in advance and the family's side of the plan: scheduling, invitations with an
iCal attachment, reminders the day before, the parents' link to follow the plan, the home–school contact log."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from support_plans import selectors
from support_plans.models import (
    HomeContact,
    Invitation,
    Meeting,
    Party,
    PlannedMeeting,
    SecureLink,
    SupportPlan,
)
from support_plans.services._base import require_open
from support_plans.services.questionnaires import LINK_DAYS, link_create

HOME_LINK_DAYS_AFTER_END = 14


def meeting_schedule(
    *,
    actor: Any,
    plan: SupportPlan,
    kind: str,
    starts_at: datetime.datetime,
    duration_minutes: int = 45,
    place: str = "",
    video_link: str = "",
    week: int | None = None,
    now: datetime.datetime | None = None,
) -> PlannedMeeting:
    """Arrange a meeting in advance: when, for how long, and where (a room, a video link or both). `now` is the
    clock (the demo world is built on a day of its choosing)."""
    require_open(plan)
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": "Choose the initial meeting, a review or the final meeting."})
    if starts_at <= (now or timezone.now()):
        raise ValidationError({"starts_at": "A meeting is arranged in advance: choose a time in the future."})
    if kind == Meeting.Kind.INITIAL and plan.meetings.filter(kind=Meeting.Kind.INITIAL).exists():
        raise ValidationError({"kind": "The initial meeting has already been held."})
    if kind == Meeting.Kind.REVIEW and week is not None and week not in plan.review_points:
        points = ", ".join(str(w) for w in plan.review_points)
        raise ValidationError({"week": f"This plan reviews at weeks {points}."})
    planned = PlannedMeeting(
        organisation_id=plan.organisation_id,
        plan=plan,
        kind=kind,
        week=week if kind == Meeting.Kind.REVIEW else None,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place.strip(),
        video_link=video_link.strip(),
        created_by=actor,
    )
    planned.full_clean()
    planned.save()
    return planned


def _pending(planned: PlannedMeeting) -> None:
    require_open(planned.plan)
    if planned.cancelled_at is not None:
        raise ValidationError("This meeting was cancelled.")
    if planned.meeting_id is not None:
        raise ValidationError("This meeting has been held and recorded.")


@transaction.atomic
def invitations_send(
    *, actor: Any, planned: PlannedMeeting, now: datetime.datetime | None = None
) -> list[Invitation]:
    """Invite every party with an e-mail address (a parent at the address on their contact record, never one
    marked "no contact"), each with the meeting as an iCal attachment. Sending again re-invites everyone."""
    planned = (
        PlannedMeeting.objects.select_for_update()
        .select_related("plan")
        .get(organisation_id=planned.organisation_id, pk=planned.pk)
    )
    _pending(planned)
    now = now or timezone.now()
    if planned.starts_at <= now:
        raise ValidationError("This meeting's time has passed: arrange a new one.")
    parties = selectors.invitees(planned.plan)
    if not parties:
        raise ValidationError(
            "No one on the plan has an e-mail address to invite. Add addresses to the parties first."
        )
    invited = []
    for party, address in parties:
        invitation, _ = Invitation.objects.update_or_create(
            planned=planned,
            party=party,
            defaults={"organisation_id": planned.organisation_id, "email": address, "sent_at": now},
        )
        invited.append(invitation)
    planned.invitations_sent_at = now
    planned.save(update_fields=["invitations_sent_at"])
    _enqueue(planned, [i.pk for i in invited], "invite")
    return invited


@transaction.atomic
def planned_cancel(*, actor: Any, planned: PlannedMeeting) -> PlannedMeeting:
    """Call the meeting off; everyone invited is told, with a cancellation their calendar understands."""
    planned = (
        PlannedMeeting.objects.select_for_update()
        .select_related("plan")
        .get(organisation_id=planned.organisation_id, pk=planned.pk)
    )
    _pending(planned)
    planned.cancelled_at = timezone.now()
    planned.save(update_fields=["cancelled_at"])
    invited = [i.pk for i in planned.invitations.all()]
    if invited:
        _enqueue(planned, invited, "cancel")
    return planned


def reminders_send(*, today: datetime.date) -> list[PlannedMeeting]:
    """Remind everyone invited to a meeting tomorrow (run daily). Each meeting is reminded once; a party marked
    "no contact" since the invitation is not reminded."""
    reminded = []
    for found in selectors.meetings_for_reminder(today + datetime.timedelta(days=1)):
        with transaction.atomic():
            planned = PlannedMeeting.objects.select_for_update().get(
                organisation_id=found.organisation_id, pk=found.pk
            )
            if planned.reminders_sent_at is not None:
                continue
            allowed = {party.pk: address for party, address in selectors.invitees(found.plan)}
            now = timezone.now()
            ids = []
            for invitation in planned.invitations.all():
                if invitation.party_id in allowed:
                    invitation.email, invitation.reminded_at = allowed[invitation.party_id], now
                    invitation.save(update_fields=["email", "reminded_at"])
                    ids.append(invitation.pk)
            planned.reminders_sent_at = now
            planned.save(update_fields=["reminders_sent_at"])
            if ids:
                _enqueue(planned, ids, "reminder")
            reminded.append(planned)
    return reminded


def _enqueue(planned: PlannedMeeting, invitation_ids: list[int], kind: str) -> None:
    from support_plans.tasks import send_meeting_emails

    transaction.on_commit(lambda: send_meeting_emails.enqueue(planned.pk, invitation_ids, kind))


def home_link_create(*, actor: Any, party: Party) -> tuple[SecureLink, str]:
    """A link for a parent or carer to follow the plan from home (its current targets and the weekly scores),
    usable until two weeks after the plan ends; a new link withdraws the last. Never for a "no contact" parent."""
    plan = party.plan
    require_open(plan)
    if party.kind != Party.Kind.PARENT:
        raise ValidationError("The home link is for a parent or carer.")
    refused_ids, refused_emails = selectors.refused_contacts(plan)
    if party.contact_id in refused_ids or (party.email and party.email.lower() in refused_emails):
        raise ValidationError(f"{party.name} is marked “no contact” for this pupil: no link can be made.")
    today = timezone.localdate()
    ends_on = plan.ends_on or today + datetime.timedelta(weeks=plan.length_weeks)
    days = max(LINK_DAYS, (ends_on - today).days + HOME_LINK_DAYS_AFTER_END)
    return link_create(actor=actor, plan=plan, purpose=SecureLink.Purpose.HOME, party=party, days=days)


def home_contact_record(
    *,
    actor: Any,
    plan: SupportPlan,
    occurred_on: datetime.date,
    direction: str,
    method: str,
    with_whom: str,
    summary: str,
    today: datetime.date | None = None,
) -> HomeContact:
    """Log one contact between home and school about the plan (`today` is the clock)."""
    require_open(plan)
    if occurred_on > (today or timezone.localdate()):
        raise ValidationError({"occurred_on": "The date cannot be in the future."})
    contact = HomeContact(
        organisation_id=plan.organisation_id,
        plan=plan,
        occurred_on=occurred_on,
        direction=direction,
        method=method,
        with_whom=with_whom.strip(),
        summary=summary.strip(),
        recorded_by=actor,
    )
    contact.full_clean()
    contact.save()
    return contact


def planned_attach(*, planned: PlannedMeeting, meeting: Meeting) -> None:
    """The record of a held meeting answers its arrangement (so the plan shows who was invited and who came)."""
    if planned.plan_id != meeting.plan_id or planned.kind != meeting.kind:
        raise ValidationError("That arrangement is for another meeting.")
    if planned.meeting_id is None:
        planned.meeting = meeting
        planned.save(update_fields=["meeting"])
