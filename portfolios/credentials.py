"""Open Badges 3.0 credentials: the provider's signing key, signed OpenBadgeCredentials and the status list.

Each provider organisation has one Ed25519 key pair (`portfolios.SigningKey`). The private key is stored as
PKCS#8 PEM encrypted with a passphrase derived from `SECRET_KEY` (HKDF-SHA256), so a copy of the database alone
does not give the key away; rotating `SECRET_KEY` needs the key re-encrypted (`decrypt` with the old secret).

A credential is a VC-JWT (EdDSA) made with openbadgeslib's `OB3Signer`: the JWT payload is the
OpenBadgeCredential itself, the JOSE header carries the public JWK. Revocation is a Bitstring Status List
credential, signed with the same key and served publicly; each certificate owns one bit of its issuer's list,
at an index drawn at random from the list's free bits (`draw_status_index`).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from openbadgeslib.ob3 import (
    Achievement,
    IdentityObject,
    Issuer,
    OB3Signer,
    OB3Verifier,
    OpenBadgeCredential,
    build_status_list_credential,
    sign_status_list_credential,
    status_entry,
)

ALGORITHM = "EdDSA"
# W3C Bitstring Status List v1.0: the uncompressed bitstring MUST be at least 16 KB, 131 072 entries; a strict
# verifier refuses a shorter list (STATUS_LIST_LENGTH_ERROR). The list is built afresh on every request from the
# revoked certificates' indices, so raising this grows every provider's list with zeros and keeps every index.
STATUS_LIST_BITS = 131_072
STATUS_PURPOSE = "revocation"


class StatusListFull(ValueError):
    """Every bit of the provider's status list already belongs to a certificate."""


def draw_status_index(
    used: Iterable[int], *, randbelow: Callable[[int], int] = secrets.randbelow, size: int = STATUS_LIST_BITS
) -> int:
    """A free bit of the list, drawn uniformly from all the free bits: never a used one, never "the next".

    The standard's privacy section: indices given out in order let a watcher of the list tell certificates apart
    and date a revocation; one random draw over the whole free range (a CSPRNG by default) does not.
    """
    taken = sorted({index for index in used if 0 <= index < size})
    free = size - len(taken)
    if free <= 0:
        raise StatusListFull(f"all {size} bits of the status list are in use")
    index = randbelow(free)  # the index-th free bit: step over each used bit at or below it
    for used_index in taken:
        if used_index > index:
            break
        index += 1
    return index


def _passphrase(secret: str | None = None) -> bytes:
    """A 32-byte passphrase for the private key, derived from SECRET_KEY."""
    secret = secret if secret is not None else settings.SECRET_KEY
    return (
        HKDF(algorithm=hashes.SHA256(), length=32, salt=b"pastoral", info=b"portfolios-signing-key")
        .derive(secret.encode())
        .hex()
        .encode()
    )


@dataclass(frozen=True)
class KeyPair:
    private_pem_encrypted: str
    public_pem: str


def generate_key_pair() -> KeyPair:
    """A fresh Ed25519 key pair, private half encrypted at rest."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return KeyPair(private.decode(), public.decode())


def decrypt_private_key(private_pem_encrypted: str, secret: str | None = None) -> bytes:
    """The unencrypted PKCS#8 PEM, for signing only; never stored."""
    key = serialization.load_pem_private_key(private_pem_encrypted.encode(), password=_passphrase(secret))
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass(frozen=True)
class CredentialData:
    """What a certificate says, in the terms of OB3."""

    credential_url: str  # the credential's id: its public URL
    issuer_url: str  # the provider's profile id
    issuer_name: str
    achievement_url: str
    achievement_name: str  # "PLQ Level 1"
    achievement_description: str
    criteria: str
    holder_name: str
    holder_email: str
    issued_at: datetime.datetime
    status_list_url: str
    status_index: int
    salt: str  # for the hashed e-mail identifier


def build_credential(data: CredentialData) -> OpenBadgeCredential:
    """The unsigned OpenBadgeCredential: recipient identified by a salted hash of the e-mail, not the address."""
    achievement = Achievement(
        id=data.achievement_url,
        name=data.achievement_name,
        description=data.achievement_description,
        criteria_narrative=data.criteria,
        achievement_type="Certificate",
    )
    return OpenBadgeCredential(
        issuer=Issuer(id=data.issuer_url, name=data.issuer_name, url=data.issuer_url),
        recipient_id=None,
        achievement=achievement,
        id=data.credential_url,
        name=f"{data.achievement_name}: {data.holder_name}",
        issuance_date=data.issued_at,
        identifiers=[IdentityObject.create(data.holder_email.lower(), salt=data.salt)],
        credential_status=[status_entry(data.status_list_url, STATUS_PURPOSE, data.status_index)],
    )


def sign_credential(data: CredentialData, private_pem_encrypted: str) -> str:
    """The signed VC-JWT (compact JWS) for a certificate."""
    signer = OB3Signer(privkey_pem=decrypt_private_key(private_pem_encrypted), algorithm=ALGORITHM)
    return signer.sign(build_credential(data))


def signed_status_list(
    *,
    issuer_url: str,
    list_url: str,
    revoked_indices: list[int],
    private_pem_encrypted: str,
    now: datetime.datetime,
    valid_for: datetime.timedelta = datetime.timedelta(days=1),
) -> str:
    """The provider's Bitstring Status List credential as a VC-JWT, fresh for `valid_for` (anti-replay)."""
    vc = build_status_list_credential(
        issuer_url,
        list_url,
        STATUS_PURPOSE,
        revoked_indices,
        size_bits=STATUS_LIST_BITS,
        issued=now,
        valid_until=now + valid_for,
    )
    return sign_status_list_credential(vc, decrypt_private_key(private_pem_encrypted), ALGORITHM)


def verify_credential(
    token: str, public_pem: str, *, download: Any = None, check_status: bool = True
) -> OpenBadgeCredential:
    """Verify with openbadgeslib's own verifier: signature, structure, validity and (optionally) revocation.

    Raises `openbadgeslib.ob3.OB3VerificationError` when the credential is forged, altered or revoked.
    """
    return OB3Verifier(pubkey_pem=public_pem).verify(token, check_status=check_status, download=download)


def enveloped(token: str) -> dict[str, Any]:
    """The VC-JWT as JSON: a VC Data Model 2.0 EnvelopedVerifiableCredential."""
    return {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def unenvelope(document: dict[str, Any]) -> str:
    """The compact VC-JWT inside an EnvelopedVerifiableCredential."""
    prefix = "data:application/vc+jwt,"
    if document.get("type") != "EnvelopedVerifiableCredential" or not str(document.get("id", "")).startswith(
        prefix
    ):
        raise ValueError("not an enveloped VC-JWT")
    return document["id"][len(prefix) :]
