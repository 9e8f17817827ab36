"""Portfolios, their entries, attachments and comments."""

from __future__ import annotations

from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from core import uploads
from portfolios import selectors
from portfolios.models import (
    Attachment,
    Comment,
    DifficultIssue,
    Entry,
    Portfolio,
)
from portfolios.services.common import sanitise
from qualifications.models import Activity, Enrolment

# --- Portfolios and entries ---------------------------------------------------------------------


def portfolio_for_enrolment(*, enrolment: Enrolment) -> Portfolio:
    """The enrolment's portfolio, made on first use (one per enrolment)."""
    portfolio, _ = Portfolio.objects.get_or_create(
        enrolment=enrolment,
        defaults={"organisation_id": enrolment.organisation_id, "provider_id": enrolment.provider_id},
    )
    return portfolio


def _check_activity(portfolio: Portfolio, activity: Activity) -> None:
    if activity.module.level_id != portfolio.enrolment.level_id:
        raise ValidationError("That activity is not part of this portfolio's level.")


def entry_save(
    *,
    actor: Any,
    portfolio: Portfolio,
    activity: Activity,
    sequence: int = 1,
    body: str = "",
    reflection: dict[str, str] | None = None,
    record: dict[str, str] | None = None,
    alternative: str = "",
    difficult_issue: str = "",
    complete: bool = False,
) -> Entry:
    """Save a draft (or mark complete) of one activity's entry; the rich text is sanitised. A record of an activity
    that needs one addressing a difficult issue (ISQAM 2.2) says whether it did before it can be complete."""
    _check_activity(portfolio, activity)
    difficult_issue = _check_difficult_issue(portfolio, activity, difficult_issue, complete)
    limit = (activity.minimum_count or 1) + 40 if activity.kind == Activity.Kind.MINIMUM else 1
    if sequence < 1 or sequence > limit:
        raise ValidationError("That record number is out of range.")
    if activity.kind == Activity.Kind.CHOICE and complete and not alternative:
        raise ValidationError({"alternative": "Choose which alternative you completed."})
    if activity.alternatives and alternative and alternative not in activity.alternatives:
        raise ValidationError({"alternative": "Choose one of the alternatives listed."})
    clean = sanitise(body)
    if (
        complete
        and not nh3.clean(clean, tags=set()).strip()
        and not any((reflection or {}).values())
        and not any((record or {}).values())
    ):
        raise ValidationError("Write something before marking the entry complete.")
    with transaction.atomic():
        entry, _ = Entry.objects.select_for_update().get_or_create(
            portfolio=portfolio,
            activity=activity,
            sequence=sequence,
            defaults={"organisation_id": portfolio.organisation_id},
        )
        entry.body = clean
        entry.reflection = {k: str(v)[:4000] for k, v in (reflection or {}).items()}
        entry.record = {k: str(v)[:4000] for k, v in (record or {}).items()}
        entry.alternative = alternative
        entry.difficult_issue = difficult_issue
        entry.status = Entry.Status.COMPLETE if complete else Entry.Status.DRAFT
        entry.full_clean()
        entry.save()
    return entry


def _check_difficult_issue(portfolio: Portfolio, activity: Activity, answer: str, complete: bool) -> str:
    """The record's answer to "did it address a difficult issue?", checked: required to complete a record of an
    activity with the rule, the alternative only for an aspiring participant whose activity offers one."""
    if not activity.requires_difficult_issue:
        return ""
    if answer and answer not in DifficultIssue.values:
        raise ValidationError({"difficult_issue": "Choose one of the answers listed."})
    if complete and not answer:
        raise ValidationError(
            {
                "difficult_issue": f"Say whether this record of activity {activity.number} addressed a difficult "
                "issue before marking it complete."
            }
        )
    if answer == DifficultIssue.ALTERNATIVE and not selectors.offers_aspiring_alternative(
        activity, portfolio.enrolment
    ):
        raise ValidationError(
            {
                "difficult_issue": f"The alternative to addressing a difficult issue in activity {activity.number} "
                "is only for aspiring participants (not yet in post)."
            }
        )
    return answer


def activity_skip(*, actor: Any, portfolio: Portfolio, activity: Activity) -> Entry:
    """Record that an optional activity is skipped."""
    _check_activity(portfolio, activity)
    if activity.kind != Activity.Kind.OPTIONAL:
        raise ValidationError("Only optional activities may be skipped.")
    entry, _ = Entry.objects.get_or_create(
        portfolio=portfolio,
        activity=activity,
        sequence=1,
        defaults={"organisation_id": portfolio.organisation_id},
    )
    entry.status = Entry.Status.SKIPPED
    entry.save()
    return entry


def attachment_add(*, actor: Any, entry: Entry, upload: UploadedFile) -> Attachment:
    """Attach a file: allowed types only (checked by extension and content), at most 10 MB
    (`PORTFOLIOS_MAX_ATTACHMENT_BYTES`); see core.uploads."""
    checked = uploads.check_upload(
        upload, max_bytes=uploads.max_upload_bytes("PORTFOLIOS_MAX_ATTACHMENT_BYTES"), action="attached"
    )
    attachment = Attachment(
        organisation_id=entry.organisation_id,
        entry=entry,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    attachment.file.save(checked.name, upload, save=False)
    attachment.save()
    return attachment


def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    attachment.file.delete(save=False)
    attachment.delete()


def comment_add(*, actor: Any, entry: Entry, body: str) -> Comment:
    comment = Comment(organisation_id=entry.organisation_id, entry=entry, author=actor, body=body.strip())
    comment.full_clean()
    comment.save()
    return comment
