"""Questionnaires, and the single-use secure links that carry them (and signatures) to families."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from support_plans.models import Party, Questionnaire, SecureLink, SupportPlan
from support_plans.questions import questions_for
from support_plans.selectors import known_recipient, unused_links
from support_plans.services._base import saved

LINK_DAYS = 14


def questionnaire_create(
    *, actor: Any, plan: SupportPlan, kind: str, respondent: str, party: Party | None = None
) -> Questionnaire:
    return saved(
        Questionnaire(
            organisation_id=plan.organisation_id, plan=plan, kind=kind, respondent=respondent, party=party
        )
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_create(
    *,
    actor: Any,
    plan: SupportPlan,
    purpose: str,
    questionnaire: Questionnaire | None = None,
    party: Party | None = None,
    days: int = LINK_DAYS,
) -> tuple[SecureLink, str]:
    """Make a single-use link that expires; returns the link and its token (shown once, stored only hashed)."""
    if purpose == SecureLink.Purpose.QUESTIONNAIRE and (questionnaire is None or questionnaire.is_complete):
        raise ValidationError("Only an unanswered questionnaire can be sent by link.")
    if purpose == SecureLink.Purpose.SIGNATURE and party is None:
        raise ValidationError("Say who is to sign.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A new link replaces any earlier unused one for the same thing.
        unused_links(plan=plan, purpose=purpose, questionnaire=questionnaire, party=party).update(
            revoked_at=timezone.now()
        )
        link = saved(
            SecureLink(
                organisation_id=plan.organisation_id,
                plan=plan,
                purpose=purpose,
                questionnaire=questionnaire,
                party=party,
                token_hash=token_hash(token),
                expires_at=timezone.now() + datetime.timedelta(days=days),
                created_by=actor,
            )
        )
    return link, token


def questionnaire_link_email(*, actor: Any, questionnaire: Questionnaire, recipient: str) -> None:
    """E-mail a new secure link for the questionnaire to one of its known addresses (made and sent by a task, so the
    link's token never leaves the worker except in the e-mail; any earlier unused link is withdrawn)."""
    if questionnaire.is_complete or not questionnaire.plan.is_open:
        raise ValidationError("Only an unanswered questionnaire of an open programme can be sent by link.")
    address = known_recipient(questionnaire, recipient)
    if address is None:
        raise ValidationError(
            {"recipient": "Choose one of the pupil's contacts or the respondent's address."}
        )
    from support_plans.tasks import send_questionnaire_link

    transaction.on_commit(lambda: send_questionnaire_link.enqueue(questionnaire.pk, actor.pk, address))


class LinkUnusable(Exception):
    """The link is unknown, expired, already used or withdrawn; the message says which, politely."""


def link_resolve(token: str) -> SecureLink:
    link = (
        SecureLink.objects.select_related(
            "plan", "plan__pupil", "plan__organisation", "plan__coordinator", "questionnaire", "party"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or link.revoked_at is not None:
        raise LinkUnusable("This link is not valid. Please ask the school for a new one.")
    if link.used_at is not None:
        raise LinkUnusable("This link has already been used. Thank you — your response has been received.")
    if link.expires_at <= timezone.now():
        raise LinkUnusable("This link has expired. Please ask the school for a new one.")
    if not link.plan.is_open:
        raise LinkUnusable("This support plan has closed.")
    return link


def questionnaire_submit(
    *,
    questionnaire: Questionnaire,
    answers: dict[str, str],
    source: str,
    actor: Any = None,
    link: SecureLink | None = None,
) -> Questionnaire:
    """Save the answers once: online through a link, or typed in from paper by staff."""
    keys = {k for k, _ in questions_for(questionnaire.kind)}
    if not any((answers.get(k) or "").strip() for k in keys):
        raise ValidationError("Answer at least one question.")
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(
            organisation_id=questionnaire.organisation_id, pk=questionnaire.pk
        )
        if questionnaire.is_complete:
            raise ValidationError("This questionnaire has already been completed.")
        questionnaire.answers = {k: (answers.get(k) or "").strip() for k in keys}
        questionnaire.source = source
        questionnaire.submitted_at = timezone.now()
        questionnaire.entered_by = actor if source == Questionnaire.Source.PAPER else None
        saved(questionnaire)
        if link is not None:
            use_link(link)
    return questionnaire


def use_link(link: SecureLink) -> None:
    updated = SecureLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not updated:
        raise ValidationError("This link has already been used.")
