"""Issuing and revoking certificates as signed credentials, and the provider's status list."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import record_event
from portfolios import credentials, selectors
from portfolios.models import (
    Certificate,
    Outcome,
    Portfolio,
    SigningKey,
)
from portfolios.services.common import notify
from qualifications import services as qualification_services

# --- Certificates ------------------------------------------------------------------------------


def signing_key(provider: Any) -> SigningKey:
    key = SigningKey.objects.filter(organisation=provider).first()
    if key is None:
        pair = credentials.generate_key_pair()
        key, _ = SigningKey.objects.get_or_create(
            organisation=provider,
            defaults={"public_pem": pair.public_pem, "private_pem_encrypted": pair.private_pem_encrypted},
        )
    return key


def certificate_issue(
    *,
    portfolio: Portfolio,
    base_url: str,
    actor: Any = None,
    randbelow: Callable[[int], int] = secrets.randbelow,
) -> Certificate:
    """Issue the level's certificate (once), with its signed OB3 credential and a random free status-list bit, and
    complete the participant's place in the same transaction (so a certified Level 1 counts when their school books
    Level 2)."""
    if portfolio.final_outcome != Outcome.SATISFACTORY:
        raise ValidationError("A certificate needs a final satisfactory outcome.")
    existing = Certificate.objects.filter(portfolio=portfolio).first()
    if existing:
        return existing
    enrolment = portfolio.enrolment
    provider = portfolio.provider
    key = signing_key(provider)
    with transaction.atomic():
        # The provider's key row serialises allocation: two issues at once never draw the same free bit.
        SigningKey.objects.select_for_update().get(organisation=provider, pk=key.pk)
        used = Certificate.objects.filter(organisation=provider).values_list("status_index", flat=True)
        try:
            status_index = credentials.draw_status_index(used, randbelow=randbelow)
        except credentials.StatusListFull as full:
            raise ValidationError("The provider's certificate status list is full.") from full
        cert = Certificate(
            organisation=provider,
            portfolio=portfolio,
            holder=enrolment.participant,
            holder_name=enrolment.participant.full_name,
            qualification=enrolment.edition.programme.name,
            level_number=enrolment.level.number,
            status_index=status_index,
            issued_at=timezone.now().replace(microsecond=0),
            credential_jwt="pending",
        )
        cert.full_clean()
        cert.save()
        cert.credential_jwt = credentials.sign_credential(
            selectors.credential_data(cert, base_url), key.private_pem_encrypted
        )
        cert.save(update_fields=["credential_jwt"])
        qualification_services.complete_enrolment(
            actor=actor, enrolment=enrolment, at=cert.issued_at, note=f"certificate {cert.code} issued"
        )
    record_event(action="certificate", obj=cert, note=f"issued {cert.code}")
    notify(
        [cert.holder.email],
        f"Your certificate: {cert.qualification} Level {cert.level_number}",
        f"Congratulations. Your certificate (verification code {cert.code}) and its Open Badges credential are ready "
        f"to download in Pastoral. Anyone can check it at {base_url}"
        f"{reverse('portfolios:verify', args=[cert.code])}.",
    )
    return cert


def certificate_revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate; in the same transaction the place it completed goes back to enrolled (see
    qualifications.services.reopen_enrolment), so the level no longer counts as done."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the certificate is revoked."})
    with transaction.atomic():
        # The lock names the provider's organisation (one shard on Citus) and takes the certificate alone: its
        # portfolio is the school's row, read after it (a lock over that join is refused on Citus).
        locked = Certificate.objects.select_for_update().get(
            organisation_id=certificate.organisation_id, pk=certificate.pk
        )
        if locked.revoked_at:
            raise ValidationError("This certificate is already revoked.")
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason.strip()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        qualification_services.reopen_enrolment(
            actor=actor,
            enrolment=Portfolio.objects.select_related("enrolment").get(pk=locked.portfolio_id).enrolment,
            reason=f"{locked.code}: {locked.revoked_reason}",
        )
    certificate.refresh_from_db()
    return certificate


def status_list_jwt(*, provider: Any, base_url: str) -> str:
    key = signing_key(provider)
    revoked = list(
        Certificate.objects.filter(organisation=provider, revoked_at__isnull=False).values_list(
            "status_index", flat=True
        )
    )
    return credentials.signed_status_list(
        issuer_url=base_url + reverse("portfolios:public_issuer", args=[provider.slug]),
        list_url=base_url + reverse("portfolios:public_status_list", args=[provider.slug]),
        revoked_indices=revoked,
        private_pem_encrypted=key.private_pem_encrypted,
        now=timezone.now().replace(microsecond=0),
    )
