"""Background work for support plans: telling the coordinator when monitoring shows a plan failing or has no
scores, e-mailing questionnaire links, and meeting invitations, reminders and cancellations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from audit.context import acting_as


@task()
def send_alert_email(alert_id: int) -> bool:
    """E-mail the coordinator the alert: the plan may be failing (contact the parents), or no scores are recorded."""
    from support_plans.models import Alert

    alert = Alert.objects.select_related("plan__coordinator", "plan__pupil").filter(pk=alert_id).first()
    if alert is None or not alert.is_open or not alert.plan.coordinator.email:
        return False
    plan = alert.plan
    pupil = f"{plan.pupil.first_name} {plan.pupil.last_name[:1]}."
    if alert.kind == Alert.Kind.NO_SCORES:
        subject = f"Pastoral Support Programme for {pupil}: no report-card scores"
        message = (
            f"The Pastoral Support Programme for {pupil} has no monitoring scores:\n{alert.reason}.\n\n"
            "Without scores the plan cannot be reviewed on evidence. Please check with the key member of staff that "
            "the report card is being filled in. The alert closes when scores are next recorded: "
            f"{reverse('support_plans:plan_detail', args=[plan.pk])}\n"
        )
    else:
        subject = f"Pastoral Support Programme for {pupil}: please contact the parents"
        message = (
            f"Monitoring suggests the Pastoral Support Programme for {pupil} may be failing:\n{alert.reason}.\n\n"
            "The guidance asks the coordinator to contact the parents or carers between reviews to discuss options. "
            f"Record the conversation on the plan: {reverse('support_plans:alert_resolve', args=[alert.pk])}\n"
        )
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[plan.coordinator.email])
    return True


@task()
def send_questionnaire_link(questionnaire_id: int, actor_id: int, recipient: str) -> bool:
    """Make a fresh secure link for the questionnaire and e-mail it; the link records where and when it went."""
    from support_plans.models import Questionnaire, SecureLink
    from support_plans.selectors import known_recipient
    from support_plans.services import link_create

    questionnaire = (
        Questionnaire.objects.select_related("plan__pupil", "plan__organisation", "party")
        .filter(pk=questionnaire_id)
        .first()
    )
    actor = get_user_model().objects.filter(pk=actor_id).first()
    if questionnaire is None or actor is None or questionnaire.is_complete or not questionnaire.plan.is_open:
        return False
    # Checked again here: the contact's address may have changed since the request.
    if known_recipient(questionnaire, recipient) is None:
        return False
    plan = questionnaire.plan
    with acting_as(actor), transaction.atomic():
        link, token = link_create(
            actor=actor,
            plan=plan,
            purpose=SecureLink.Purpose.QUESTIONNAIRE,
            questionnaire=questionnaire,
            party=questionnaire.party,
        )
        link.emailed_to, link.emailed_at = recipient, timezone.now()
        link.save(update_fields=["emailed_to", "emailed_at"])
        url = settings.PASTORAL_BASE_URL.rstrip("/") + reverse("support_plans:link", args=[token])
        school = plan.organisation.name
        send_mail(
            subject=f"{school}: a questionnaire about {plan.pupil.first_name}'s support",
            message=(
                f"Hello,\n\n{school} is putting together a Pastoral Support Programme with {plan.pupil.first_name} "
                f"and would like your views before the meeting: the {questionnaire.get_kind_display().lower()}.\n\n"
                f"Please answer it here: {url}\n\n"
                f"The link works once and expires on {timezone.localtime(link.expires_at):%d %B %Y}. If it has "
                "expired, or you would rather answer on paper, please contact the school.\n"
            ),
            from_email=None,
            recipient_list=[recipient],
        )
    return True


MEETING_SUBJECTS = {
    "invite": "{school}: invitation to {first}'s {label}",
    "reminder": "Reminder: {first}'s {label} is tomorrow",
    "cancel": "Cancelled: {first}'s {label}",
}


def _meeting_email(planned: Any, kind: str, name: str) -> str:
    when = timezone.localtime(planned.starts_at)
    where = "\n".join(
        x for x in (planned.place, planned.video_link and f"Join online: {planned.video_link}") if x
    )
    first = planned.plan.pupil.first_name
    if kind == "cancel":
        opening = f"The {planned.get_kind_display().lower()} about {first}'s Pastoral Support Programme on "
        return f"Dear {name},\n\n{opening}{when:%A %d %B at %H:%M} has been cancelled. The school will be in touch.\n"
    lead = "This is a reminder of" if kind == "reminder" else "You are invited to"
    return (
        f"Dear {name},\n\n{lead} the {planned.get_kind_display().lower()} of {first}'s Pastoral Support "
        f"Programme:\n\n{when:%A %d %B %Y, %H:%M} ({planned.duration_minutes} minutes)\n{where}\n\n"
        "The meeting is attached for your calendar. If you cannot come, please tell the school so that your views "
        "can still be heard.\n"
    )


def meeting_calendar(planned: Any, kind: str) -> bytes:
    """The meeting as an iCal file: a request (invitation, reminder) or a cancellation."""
    from core.ical import CalendarEvent, calendar_bytes

    plan = planned.plan
    host = settings.PASTORAL_BASE_URL.split("//")[-1].split("/")[0] or "pastoral"
    event = CalendarEvent(
        uid=f"psp-meeting-{planned.pk}@{host}",
        starts_at=planned.starts_at,
        ends_at=planned.ends_at,
        summary=f"{plan.organisation.name}: {planned.get_kind_display()} (PSP, {plan.pupil.first_name})",
        location=planned.place or planned.video_link,
        url=planned.video_link,
        description=f"Pastoral Support Programme {planned.get_kind_display().lower()} for {plan.pupil.first_name}.",
        sequence=1 if kind == "cancel" else 0,
        cancelled=kind == "cancel",
    )
    return calendar_bytes([event], method="CANCEL" if kind == "cancel" else "REQUEST")


@task()
def send_meeting_emails(planned_id: int, invitation_ids: list[int], kind: str) -> int:
    """E-mail each invitation (an invitation, a reminder or a cancellation) with the meeting as an iCal file."""
    from django.core.mail import EmailMessage

    from support_plans.models import Invitation, PlannedMeeting

    planned = (
        PlannedMeeting.objects.select_related("plan__pupil", "plan__organisation")
        .filter(pk=planned_id)
        .first()
    )
    if planned is None or kind not in MEETING_SUBJECTS:
        return 0
    calendar = meeting_calendar(planned, kind)
    fields = {
        "school": planned.plan.organisation.name,
        "first": planned.plan.pupil.first_name,
        "label": planned.get_kind_display().lower(),
    }
    sent = 0
    for invitation in Invitation.objects.filter(pk__in=invitation_ids, planned=planned).select_related(
        "party"
    ):
        message = EmailMessage(
            subject=MEETING_SUBJECTS[kind].format(**fields),
            body=_meeting_email(planned, kind, invitation.party.name),
            to=[invitation.email],
        )
        method = "CANCEL" if kind == "cancel" else "REQUEST"
        message.attach("meeting.ics", calendar, f"text/calendar; charset=utf-8; method={method}")
        message.send()
        sent += 1
    return sent
