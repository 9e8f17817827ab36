"""Background work: reminder e-mails before a term ends to mentors and participants who are behind."""

from __future__ import annotations

import datetime

from django.core.mail import send_mail
from django_tasks import task

from portfolios.models import Portfolio
from portfolios.selectors import meeting_status, open_portfolios
from portfolios.terms import MEETINGS_PER_TERM

REMIND_DAYS_BEFORE_END = 14


@task()
def send_meeting_reminders(today_iso: str) -> int:
    """E-mail the mentor and participant of each open portfolio that is behind in a term ending within 14 days."""
    today = datetime.date.fromisoformat(today_iso)
    sent = 0
    for status in meeting_status(open_portfolios(Portfolio.objects.all()), today):
        term = status.term
        if term is None or not status.behind or (term.ends_on - today).days > REMIND_DAYS_BEFORE_END:
            continue
        enrolment = status.portfolio.enrolment
        body = (
            f"The {term.name.lower()} ends on {term.ends_on:%-d %B %Y}. Mentors and participants meet at least "
            f"{MEETINGS_PER_TERM} times a term; {status.confirmed} confirmed meeting(s) are recorded this term for "
            f"{enrolment.participant.full_name}'s portfolio ({enrolment.level}).\n\n"
            "Please arrange a meeting and log it in Pastoral; both of you confirm it there."
        )
        sent += send_mail(
            subject=f"Mentor meetings this term: {enrolment.participant.full_name}",
            message=body,
            from_email=None,
            recipient_list=[enrolment.mentor.email, enrolment.participant.email],
        )
    return sent


@task()
def send_notice(recipients: list[str], subject: str, body: str) -> int:
    """One plain-text e-mail (review outcome, certificate issued…)."""
    return send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
