"""The certificates' Bitstring Status List: at least the standard's 131,072 entries, indices drawn at random."""

from __future__ import annotations

import base64
import gzip
import json
import random
from urllib.parse import urlparse

import pytest
from django.test import Client
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier

from portfolios import credentials, services
from portfolios.models import Certificate, Outcome, Portfolio, SigningKey
from portfolios.tests.world import PortfolioWorld, build_portfolio_world

BASE = "http://testserver"
SPEC_MINIMUM_BITS = 131_072  # W3C Bitstring Status List v1.0: at least 16 KB uncompressed


class RecordingRng:
    """A seeded RNG standing in for `secrets.randbelow` that keeps every bound it was asked for."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self.bounds: list[int] = []

    def __call__(self, bound: int) -> int:
        self.bounds.append(bound)
        return self._random.randrange(bound)


def _satisfactory(portfolio: Portfolio) -> Portfolio:
    portfolio.final_outcome = Outcome.SATISFACTORY
    portfolio.save()
    return portfolio


def _issue(portfolio: Portfolio, rng: RecordingRng) -> Certificate:
    return services.certificate_issue(portfolio=_satisfactory(portfolio), base_url=BASE, randbelow=rng)


def _bitstring(client: Client, world: PortfolioWorld) -> bytes:
    """The provider's published list, decoded as a verifier would: multibase 'u', base64url, then gzip."""
    token = client.get(f"/portfolios/public/{world.provider.slug}/status-list/").content.decode()
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    encoded = claims["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    return gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))


def _bit(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def _download(client: Client):  # noqa: ANN202
    return lambda url: client.get(urlparse(url).path).content


@pytest.mark.django_db
def test_it_publishes_a_list_of_at_least_the_standards_minimum_length() -> None:
    """The decoded bitstring holds at least 131,072 entries, with or without certificates."""
    world = build_portfolio_world()
    client = Client()
    assert len(_bitstring(client, world)) * 8 >= SPEC_MINIMUM_BITS
    _issue(world.portfolio, RecordingRng(1))
    assert len(_bitstring(client, world)) * 8 >= SPEC_MINIMUM_BITS


@pytest.mark.django_db
def test_it_draws_each_index_from_the_whole_free_range_not_the_next_one() -> None:
    """Two certificates in a row: each draw spans every free bit, and the two are not neighbours."""
    world = build_portfolio_world()
    rng = RecordingRng(2024)
    first = _issue(world.portfolio, rng)
    second = _issue(world.portfolio2, rng)
    assert rng.bounds == [credentials.STATUS_LIST_BITS, credentials.STATUS_LIST_BITS - 1]
    assert credentials.STATUS_LIST_BITS >= SPEC_MINIMUM_BITS
    assert abs(first.status_index - second.status_index) > 1
    assert (
        first.status_index < credentials.STATUS_LIST_BITS
        and second.status_index < credentials.STATUS_LIST_BITS
    )


def test_it_spreads_sequential_draws_over_the_list_and_never_reuses_an_index() -> None:
    """A seeded run of 2,000 draws: no repeat, not in order, reaching far past the old 16,384-bit list."""
    rng = RecordingRng(7)
    used: list[int] = []
    for _ in range(2_000):
        used.append(credentials.draw_status_index(used, randbelow=rng))
    assert len(set(used)) == len(used)
    steps = [b - a for a, b in zip(used, used[1:], strict=False)]
    assert sum(1 for step in steps if step == 1) < 5
    assert max(used) > 16_384 and min(used) < credentials.STATUS_LIST_BITS // 2


def test_it_steps_over_used_bits_and_refuses_a_full_list() -> None:
    """The draw's position counts free bits only, so a used bit is never handed out again."""
    assert credentials.draw_status_index([0, 1, 5], randbelow=lambda bound: 0, size=8) == 2
    assert credentials.draw_status_index([0, 1, 5], randbelow=lambda bound: 2, size=8) == 4
    assert credentials.draw_status_index([0, 1, 5], randbelow=lambda bound: bound - 1, size=8) == 7
    assert credentials.draw_status_index(range(7), randbelow=lambda bound: 0, size=8) == 7
    with pytest.raises(credentials.StatusListFull):
        credentials.draw_status_index(range(8), randbelow=lambda bound: 0, size=8)


@pytest.mark.django_db
def test_it_flips_only_the_revoked_certificates_bit_and_both_still_verify_correctly() -> None:
    """Revoking one certificate sets its bit alone; the other still verifies against the longer list."""
    world = build_portfolio_world()
    rng = RecordingRng(99)
    revoked = _issue(world.portfolio, rng)
    kept = _issue(world.portfolio2, rng)
    services.certificate_revoke(actor=world.admin, certificate=revoked, reason="Issued in error")
    client = Client()
    bitstring = _bitstring(client, world)
    assert _bit(bitstring, revoked.status_index) and not _bit(bitstring, kept.status_index)
    assert sum(bin(byte).count("1") for byte in bitstring) == 1
    public_pem = SigningKey.objects.get(organisation=world.provider).public_pem
    verifier = OB3Verifier(pubkey_pem=public_pem)
    assert verifier.verify(kept.credential_jwt, check_status=True, download=_download(client))
    with pytest.raises(OB3VerificationError, match="revocation"):
        verifier.verify(revoked.credential_jwt, check_status=True, download=_download(client))


@pytest.mark.django_db
def test_it_keeps_an_earlier_certificates_index_and_its_credential_as_the_list_grows() -> None:
    """A certificate given bit 0 under the old in-order scheme keeps it; the next one never gets bit 0."""
    world = build_portfolio_world()
    earlier = services.certificate_issue(
        portfolio=_satisfactory(world.portfolio), base_url=BASE, randbelow=lambda bound: 0
    )
    assert earlier.status_index == 0
    jwt = earlier.credential_jwt
    later = services.certificate_issue(
        portfolio=_satisfactory(world.portfolio2), base_url=BASE, randbelow=lambda bound: 0
    )
    earlier.refresh_from_db()
    assert later.status_index == 1 and earlier.status_index == 0 and earlier.credential_jwt == jwt
    client = Client()
    public_pem = SigningKey.objects.get(organisation=world.provider).public_pem
    assert OB3Verifier(pubkey_pem=public_pem).verify(jwt, check_status=True, download=_download(client))
    services.certificate_revoke(actor=world.admin, certificate=earlier, reason="Issued in error")
    bitstring = _bitstring(client, world)
    assert _bit(bitstring, 0) and not _bit(bitstring, 1)
