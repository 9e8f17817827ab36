"""E-mails about questions, each a task enqueued when the transaction that wrote the message commits: a question or
a follow-up to the provider's programme administrators, an answer to the person who asked. They say who wrote and
link to the thread; the text itself stays behind the sign-in."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from access.models import RoleAssignment
from access.roles import Role


def _thread_url(question_id: int) -> str:
    return settings.PASTORAL_BASE_URL.rstrip("/") + reverse("programme_support:question", args=[question_id])


def _message(message_id: int):  # noqa: ANN202
    from programme_support.models import Message

    return (
        Message.objects.select_related(
            "author",
            "question__asked_by",
            "question__provider",
            "question__enrolment__edition",
            "question__enrolment__participant",
        )
        .filter(pk=message_id)
        .first()
    )


@task()
def notify_provider(message_id: int) -> int:
    """Tell the provider's programme administrators about a new question or a follow-up. Returns e-mails sent."""
    message = _message(message_id)
    if message is None:
        return 0
    question = message.question
    admins = sorted(
        {
            a.user.email
            for a in RoleAssignment.objects.current()
            .filter(organisation_id=question.provider_id, role=Role.PROGRAMME_ADMIN)
            .select_related("user")
            if a.user.email and a.user.is_active
        }
    )
    if not admins:
        return 0
    first = not question.messages.filter(created_at__lt=message.created_at).exists()
    subject = ("Question" if first else "Follow-up") + f" from {message.author.full_name}: {question.subject}"
    body = render_to_string(
        "programme_support/email/to_provider.txt",
        {"message": message, "question": question, "first": first, "url": _thread_url(question.pk)},
    )
    return send_mail(subject=subject, message=body, from_email=None, recipient_list=admins)


@task()
def notify_asker(message_id: int) -> int:
    """Tell the person who asked that the provider has answered."""
    message = _message(message_id)
    if message is None or not message.question.asked_by.email:
        return 0
    question = message.question
    body = render_to_string(
        "programme_support/email/to_asker.txt",
        {"message": message, "question": question, "url": _thread_url(question.pk)},
    )
    return send_mail(
        subject=f"Answer to your question: {question.subject}",
        message=body,
        from_email=None,
        recipient_list=[question.asked_by.email],
    )
