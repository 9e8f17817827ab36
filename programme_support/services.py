"""Writes for course materials and questions. Keyword-only, validated, one transaction for anything spanning rows;
every model here is tracked by the audit log (apps.py); e-mails are tasks enqueued when the transaction commits, so a
rolled-back write sends nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from core import uploads
from programme_support import permissions as perms
from programme_support.models import Message, MessageAttachment, Question, Resource, ResourceVisit
from programme_support.tasks import notify_asker, notify_provider
from qualifications.models import Edition, Enrolment, Module, TrainingDay

http_url = URLValidator(schemes=["http", "https"])


# --- Course materials -------------------------------------------------------------------------


def _check_scope(edition: Edition, module: Module | None, training_day: TrainingDay | None) -> None:
    if module is not None and training_day is not None:
        raise ValidationError(
            {"scope": "A material belongs to the whole programme, one module or one training day."}
        )
    if module is not None and module.edition_id != edition.pk:
        raise ValidationError({"scope": f"That module is not part of {edition}."})
    if training_day is not None and training_day.cluster.edition_id != edition.pk:
        raise ValidationError({"scope": f"That training day is not one of {edition}'s."})


def resource_add(
    *,
    actor: Any,
    edition: Edition,
    title: str,
    description: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
    module: Module | None = None,
    training_day: TrainingDay | None = None,
    at: datetime.datetime | None = None,
) -> Resource:
    """Add a course material to an edition: a file (type and size checked, stored outside the web root under a
    random name) or an http(s) link, for the whole programme, one module or one training day."""
    _check_scope(edition, module, training_day)
    url = url.strip()
    if upload is not None and url:
        raise ValidationError({"url": "Give either a link or a file, not both."})
    if upload is None and not url:
        raise ValidationError({"url": "Give a link, or choose a file to upload."})
    if url:
        try:
            http_url(url)
        except ValidationError:
            raise ValidationError(
                {
                    "url": "Give a web address starting with http:// or https:// (for example https://padlet.com/…)."
                }
            ) from None
    checked = uploads.check_upload(upload) if upload is not None else None
    resource = Resource(
        organisation_id=edition.organisation_id,
        edition=edition,
        module=module,
        training_day=training_day,
        kind=Resource.Kind.FILE if checked else Resource.Kind.LINK,
        title=title.strip(),
        description=description.strip(),
        url=url,
        original_name=checked.name if checked else "",
        content_type=checked.content_type if checked else "",
        size=checked.size if checked else 0,
        added_by=actor,
        added_at=at or timezone.now(),
    )
    resource.full_clean(exclude=["file"])
    with transaction.atomic():
        if checked is not None and upload is not None:
            resource.file.save(checked.name, upload, save=False)
        resource.save()
    return resource


def resource_remove(*, actor: Any, resource: Resource) -> None:
    """Remove a course material; its file is deleted once the removal has committed."""
    with transaction.atomic():
        stored = resource.file.name if resource.file else ""
        resource.delete()
        if stored:
            storage = resource.file.storage
            transaction.on_commit(lambda: storage.delete(stored))


def visit_record(*, user: Any, edition: Edition, at: datetime.datetime | None = None) -> ResourceVisit:
    """Remember when the user last opened the edition's materials: anything added later is new to them."""
    visit, _ = ResourceVisit.objects.update_or_create(
        edition=edition,
        user=user,
        defaults={"organisation_id": edition.organisation_id, "last_visited_at": at or timezone.now()},
    )
    return visit


# --- Questions --------------------------------------------------------------------------------


def _post(
    *,
    question: Question,
    actor: Any,
    body: str,
    from_provider: bool,
    upload: UploadedFile | None,
    checked: uploads.CheckedUpload | None,
    at: datetime.datetime,
) -> Message:
    message = Message(
        organisation_id=question.organisation_id,
        question=question,
        author=actor,
        from_provider=from_provider,
        body=body,
        created_at=at,
    )
    message.full_clean()
    message.save()
    if checked is not None and upload is not None:
        attachment = MessageAttachment(
            organisation_id=question.organisation_id,
            message=message,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=actor,
            uploaded_at=at,
        )
        attachment.file.save(checked.name, upload, save=False)
        attachment.save()
    return message


def _text(value: str, field: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: f"Write {what}."})
    return value


def question_ask(
    *,
    actor: Any,
    enrolment: Enrolment,
    subject: str,
    body: str,
    upload: UploadedFile | None = None,
    at: datetime.datetime | None = None,
) -> Question:
    """A participant (about their place) or their mentor asks the provider a question; the provider's programme
    administrators are e-mailed once it is saved."""
    if not perms.can_ask(actor, enrolment):
        raise ValidationError(
            "Only the participant or their mentor can ask about this place while it is active."
        )
    subject = _text(subject, "subject", "a subject")
    body = _text(body, "body", "your question")
    checked = uploads.check_upload(upload, action="attached") if upload is not None else None
    at = at or timezone.now()
    with transaction.atomic():
        question = Question(
            organisation_id=enrolment.organisation_id,
            provider_id=enrolment.provider_id,
            enrolment=enrolment,
            asked_by=actor,
            subject=subject,
            created_at=at,
            awaiting_answer_since=at,
        )
        question.full_clean()
        question.save()
        message = _post(
            question=question,
            actor=actor,
            body=body,
            from_provider=False,
            upload=upload,
            checked=checked,
            at=at,
        )
        transaction.on_commit(lambda: notify_provider.enqueue(message.pk))
    return question


def question_reply(
    *,
    actor: Any,
    question: Question,
    body: str,
    upload: UploadedFile | None = None,
    at: datetime.datetime | None = None,
) -> Message:
    """Write in a question's thread. The provider's answer e-mails the asker and takes the question off the
    unanswered list; a message from the asker's side (re)opens it and e-mails the provider."""
    if not perms.can_view_question(actor, question):
        raise ValidationError("You cannot write in this question's thread.")
    body = _text(body, "body", "your reply")
    checked = uploads.check_upload(upload, action="attached") if upload is not None else None
    from_provider = perms.answers_for_provider(actor, question)
    at = at or timezone.now()
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(
            organisation_id=question.organisation_id, pk=question.pk
        )
        message = _post(
            question=locked,
            actor=actor,
            body=body,
            from_provider=from_provider,
            upload=upload,
            checked=checked,
            at=at,
        )
        if from_provider:
            locked.first_answered_at = locked.first_answered_at or at
            locked.awaiting_answer_since = None
            transaction.on_commit(lambda: notify_asker.enqueue(message.pk))
        else:
            locked.awaiting_answer_since = locked.awaiting_answer_since or at
            locked.closed_at, locked.closed_by = None, None
            transaction.on_commit(lambda: notify_provider.enqueue(message.pk))
        locked.save(update_fields=["first_answered_at", "awaiting_answer_since", "closed_at", "closed_by"])
    question.refresh_from_db()
    return message


def question_close(*, actor: Any, question: Question, at: datetime.datetime | None = None) -> Question:
    """The asker or the provider closes a question that needs nothing more: it leaves the unanswered list. A new
    message from the asker's side opens it again."""
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(
            organisation_id=question.organisation_id, pk=question.pk
        )
        if locked.closed_at:
            raise ValidationError("This question is already closed.")
        locked.closed_at = at or timezone.now()
        locked.closed_by = actor
        locked.awaiting_answer_since = None
        locked.save(update_fields=["closed_at", "closed_by", "awaiting_answer_since"])
    question.refresh_from_db()
    return question
