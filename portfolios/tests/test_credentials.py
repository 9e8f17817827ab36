"""Open Badges 3.0: signed by the provider's key, verified by openbadgeslib, tamper-evident, revocable."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.utils import timezone
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier

from portfolios import credentials, services
from portfolios.models import Certificate, Outcome, SigningKey
from portfolios.tests.world import build_portfolio_world

BASE = "http://testserver"


def _served(client: Client):  # noqa: ANN202
    """Fetch a URL through the real public views (what a remote verifier would download)."""

    def download(url: str) -> bytes:
        response = client.get(urlparse(url).path)
        assert response.status_code == 200, url
        return response.content

    return download


def _certificate(world) -> Certificate:  # noqa: ANN001
    portfolio = world.portfolio
    portfolio.final_outcome = Outcome.SATISFACTORY
    portfolio.save()
    return services.certificate_issue(portfolio=portfolio, base_url=BASE)


@pytest.mark.django_db
def test_it_verifies_with_openbadgeslib_and_fails_when_tampered() -> None:
    world = build_portfolio_world()
    cert = _certificate(world)
    key = SigningKey.objects.get(organisation=world.provider)
    client = Client()
    issuer = client.get(f"/portfolios/public/{world.provider.slug}/issuer/").json()
    assert issuer["publicKeyPem"] == key.public_pem
    # An independent verifier: openbadgeslib's own OB3Verifier with the published public key.
    credential = OB3Verifier(pubkey_pem=issuer["publicKeyPem"]).verify(
        cert.credential_jwt, check_status=True, download=_served(client)
    )
    assert credential.achievement.name == "Pastoral Leadership Qualification Level 1"
    assert credential.raw["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential.identifiers[0].hashed and "pip@oakfield.test" not in cert.credential_jwt
    # Tamper: change the holder's name in the payload, keep the signature.
    header, payload, signature = cert.credential_jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = "Pastoral Leadership Qualification Level 1: Mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(OB3VerificationError):
        OB3Verifier(pubkey_pem=key.public_pem).verify(f"{header}.{forged}.{signature}")
    # Another key cannot vouch for it either.
    with pytest.raises(OB3VerificationError):
        OB3Verifier(pubkey_pem=credentials.generate_key_pair().public_pem).verify(cert.credential_jwt)


@pytest.mark.django_db
def test_it_reports_a_revoked_credential_as_revoked() -> None:
    world = build_portfolio_world()
    cert = _certificate(world)
    client = Client()
    services.certificate_revoke(actor=world.admin, certificate=cert, reason="Issued in error")
    key = SigningKey.objects.get(organisation=world.provider)
    with pytest.raises(OB3VerificationError, match="revocation"):
        credentials.verify_credential(cert.credential_jwt, key.public_pem, download=_served(client))
    page = client.get(f"/portfolios/verify/{cert.code}/")
    assert page.status_code == 200 and "Revoked" in page.content.decode()
    public = client.get(f"/portfolios/credential/{cert.code}/").json()
    assert (
        public["status"] == "revoked" and credentials.unenvelope(public["credential"]) == cert.credential_jwt
    )


@pytest.mark.django_db
def test_it_keeps_the_private_key_encrypted_at_rest() -> None:
    world = build_portfolio_world()
    key = services.signing_key(world.provider)
    assert "ENCRYPTED PRIVATE KEY" in key.private_pem_encrypted
    assert b"BEGIN PRIVATE KEY" in credentials.decrypt_private_key(key.private_pem_encrypted)
    with pytest.raises(ValueError):
        credentials.decrypt_private_key(key.private_pem_encrypted, secret="another-secret")


@pytest.mark.django_db
def test_it_issues_a_certificate_only_for_a_final_satisfactory_outcome() -> None:
    from django.core.exceptions import ValidationError

    world = build_portfolio_world()
    with pytest.raises(ValidationError):
        services.certificate_issue(portfolio=world.portfolio, base_url=BASE)
    cert = _certificate(world)
    assert cert.issued_at <= timezone.now()
    assert services.certificate_issue(portfolio=world.portfolio, base_url=BASE) == cert
