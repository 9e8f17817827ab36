"""The sign-in throttle slows guessing by account and network and never locks the real user out."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from accounts import services
from accounts.models import SignInAttempt
from accounts.selectors import network_of, unknown_network_limit
from accounts.tests.conftest import post_sign_in
from audit.models import AuditEvent
from core.testing.factories import TEST_PASSWORD
from core.testing.personas import build_school_world

pytestmark = pytest.mark.django_db

HOME = "198.51.100.7"  # where Tess signs in from
ATTACKER = "203.0.113.66"
WRONG = "not-the-password-at-all"
Outcome = SignInAttempt.Outcome


@pytest.fixture
def world(clock):
    return build_school_world()


def attacker_address(n: int) -> str:
    """The n-th address of a botnet (distinct IPv4 addresses, none of them Tess's)."""
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def signed_in(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302


def sign_in_from_home(world, clock) -> None:  # type: ignore[no-untyped-def]
    """Tess signs in from home once, so home is one of her recent networks."""
    assert signed_in(post_sign_in(Client(), world.tutor.email, ip=HOME))
    clock.advance(minutes=1)


def most_failures_in_an_hour(email: str) -> int:
    """The largest number of failures on the account within any one hour (windows ending at each failure)."""
    times = list(
        SignInAttempt.objects.filter(email=email, outcome=Outcome.FAILURE)
        .order_by("at")
        .values_list("at", flat=True)
    )
    hour = datetime.timedelta(hours=1)
    return max((sum(1 for t in times if end - hour < t <= end) for end in times), default=0)


def test_it_lets_the_user_in_from_their_own_network_while_an_attacker_elsewhere_fails_over_a_hundred_times(
    world, clock
):
    """Two hours of guessing from ever-new addresses: 100+ failures, and Tess at home signs in every time."""
    sign_in_from_home(world, clock)
    attacker = Client()
    for n in range(240):  # one guess every 30 seconds for two hours, each from a new address
        post_sign_in(attacker, world.tutor.email, WRONG, ip=attacker_address(n))
        if n % 30 == 29:
            tess = Client()
            assert signed_in(post_sign_in(tess, world.tutor.email, ip=HOME)), (
                f"Tess refused after {n + 1} guesses"
            )
        clock.advance(seconds=30)
    failures = SignInAttempt.objects.filter(email=world.tutor.email, outcome=Outcome.FAILURE).count()
    assert failures >= 100
    assert SignInAttempt.objects.filter(email=world.tutor.email, outcome=Outcome.THROTTLED).exists()
    assert most_failures_in_an_hour(world.tutor.email) <= unknown_network_limit()
    assert (
        SignInAttempt.objects.filter(user=world.tutor, outcome=Outcome.SUCCESS, ip_address=HOME).count() == 9
    )


def test_it_slows_an_attacker_at_one_address_with_a_growing_wait_the_form_explains(world, clock):
    """Five free failures from one network, then waits of 30 s, 1 min, 2 min…; the form and Retry-After say how long."""
    attacker = Client()
    for _ in range(5):
        response = post_sign_in(attacker, world.tutor.email, WRONG, ip=ATTACKER)
        assert "do not match an account" in response.content.decode()
    for expected, wait in [("30 seconds", 30), ("1 minute", 60), ("2 minutes", 120), ("4 minutes", 240)]:
        refused = post_sign_in(attacker, world.tutor.email, TEST_PASSWORD, ip=ATTACKER)  # even the right one
        assert refused.status_code == 429 and refused["Retry-After"] == str(wait)
        assert (
            f"Too many attempts for this account from this network; try again in {expected}."
            in refused.content.decode()
        )
        assert "_auth_user_id" not in attacker.session
        clock.advance(seconds=wait)
        assert (
            "do not match" in post_sign_in(attacker, world.tutor.email, WRONG, ip=ATTACKER).content.decode()
        )


def test_it_keeps_one_address_to_a_handful_of_guesses_an_hour_while_the_user_signs_in(world, clock):
    """An attacker at one address trying 150 times in an hour fails a handful of times; Tess at home gets in."""
    sign_in_from_home(world, clock)
    attacker = Client()
    for n in range(150):
        post_sign_in(attacker, world.tutor.email, WRONG, ip=ATTACKER)
        if n % 50 == 49:
            assert signed_in(post_sign_in(Client(), world.tutor.email, ip=HOME))
        clock.advance(seconds=24)
    from_attacker = SignInAttempt.objects.filter(email=world.tutor.email, ip_address=ATTACKER)
    assert from_attacker.filter(outcome=Outcome.FAILURE).count() <= 15
    assert from_attacker.filter(outcome=Outcome.THROTTLED).count() >= 135


def test_it_gives_the_user_at_a_new_address_after_a_flood_a_short_explained_wait_not_a_lock(world, clock):
    """After a flood from many addresses, Tess at a new café is told to wait seconds, then signs in."""
    sign_in_from_home(world, clock)
    for n in range(120):  # one guess every 10 seconds for 20 minutes
        post_sign_in(Client(), world.tutor.email, WRONG, ip=attacker_address(n))
        clock.advance(seconds=10)
    cafe = Client()
    refused = post_sign_in(cafe, world.tutor.email, ip="192.0.2.44")
    page = refused.content.decode()
    assert refused.status_code == 429
    assert "Too many failed attempts for this account from other networks" in page
    assert "Signing in from a network you have used in the last month is not held up" in page
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 60  # the account's pace: an hour ÷ 90 = 40 seconds between guesses
    clock.advance(seconds=wait)
    assert signed_in(post_sign_in(cafe, world.tutor.email, ip="192.0.2.44"))


def test_it_holds_guessing_spread_over_many_addresses_within_the_hourly_ceiling(world, clock):
    """Every 15 seconds for two and a half hours from a new address: never more than 90 failures an hour, and slowed."""
    for n in range(600):
        services.sign_in_attempt(
            email=world.tutor.email, password=WRONG, ip_address=attacker_address(n), now=clock.now
        )
        clock.advance(seconds=15)
    failures = SignInAttempt.objects.filter(email=world.tutor.email, outcome=Outcome.FAILURE)
    assert most_failures_in_an_hour(world.tutor.email) <= unknown_network_limit() == 90
    assert failures.count() >= 150  # slowed, not locked: guesses are still checked, at the account's pace
    assert SignInAttempt.objects.filter(email=world.tutor.email, outcome=Outcome.THROTTLED).count() >= 300


def test_it_keeps_the_last_tenth_of_the_hourly_ceiling_for_the_users_own_network(world, clock, settings):
    """Other networks stop at 90 failures an hour, the user's own at 100, and nothing goes past 100 (the account's
    pace and each network's own wait, tested above, are switched off here to reach the ceiling quickly)."""
    settings.LOGIN_ACCOUNT_PACE_FROM = settings.LOGIN_ADDRESS_FREE_FAILURES = 1000
    sign_in_from_home(world, clock)
    tutor = world.tutor.email
    for n in range(95):
        services.sign_in_attempt(email=tutor, password=WRONG, ip_address=attacker_address(n), now=clock.now)
        clock.advance(seconds=1)
    assert SignInAttempt.objects.filter(email=tutor, outcome=Outcome.FAILURE).count() == 90
    refused = services.sign_in_attempt(
        email=tutor, password=TEST_PASSWORD, ip_address="192.0.2.44", now=clock.now
    )
    assert refused.refusal is not None and refused.user is None
    assert datetime.timedelta(minutes=58) < refused.refusal.wait <= datetime.timedelta(hours=1)
    # Tess at home still gets in, and may mistype there until the hundredth failure of the hour …
    assert services.sign_in_attempt(email=tutor, password=TEST_PASSWORD, ip_address=HOME, now=clock.now).user
    for n in range(10):
        services.sign_in_attempt(
            email=tutor, password=WRONG, ip_address=f"198.51.100.{n + 20}", now=clock.now
        )
    assert SignInAttempt.objects.filter(email=tutor, outcome=Outcome.FAILURE).count() == 90
    for _ in range(12):
        clock.advance(minutes=1)
        services.sign_in_attempt(email=tutor, password=WRONG, ip_address=HOME, now=clock.now)
    # … and no further: at most 100 failures an hour on the account, counted over every network.
    assert most_failures_in_an_hour(tutor) == 100
    last = services.sign_in_attempt(email=tutor, password=TEST_PASSWORD, ip_address=HOME, now=clock.now)
    assert last.refusal is not None and "here and elsewhere" in last.refusal.message
    clock.advance(hours=1)
    assert services.sign_in_attempt(email=tutor, password=TEST_PASSWORD, ip_address=HOME, now=clock.now).user


def test_it_starts_a_networks_count_again_after_a_success_there(world, clock):
    """Five typos at home, a success, then five more typos are all checked at once, not made to wait."""
    tutor = world.tutor.email
    for _ in range(5):
        assert (
            services.sign_in_attempt(email=tutor, password=WRONG, ip_address=HOME, now=clock.now).refusal
            is None
        )
    clock.advance(seconds=30)
    assert services.sign_in_attempt(email=tutor, password=TEST_PASSWORD, ip_address=HOME, now=clock.now).user
    for _ in range(5):
        assert (
            services.sign_in_attempt(email=tutor, password=WRONG, ip_address=HOME, now=clock.now).refusal
            is None
        )
    assert services.sign_in_attempt(email=tutor, password=WRONG, ip_address=HOME, now=clock.now).refusal


def test_it_counts_an_ipv6_attacker_by_their_64_not_by_each_address(world, clock):
    """Hopping between addresses of one IPv6 /64 does not reset the network's count."""
    tutor = world.tutor.email
    for n in range(5):
        services.sign_in_attempt(
            email=tutor, password=WRONG, ip_address=f"2001:db8:5:6::{n + 1:x}", now=clock.now
        )
    hop = services.sign_in_attempt(
        email=tutor, password=WRONG, ip_address="2001:db8:5:6:ffff::9", now=clock.now
    )
    assert hop.refusal is not None and hop.refusal.reason == "network"
    assert network_of("2001:db8:5:6:ffff::9") == "2001:db8:5:6::/64"
    assert network_of("::ffff:192.0.2.1") == "192.0.2.1"
    assert network_of("not an address") == ""


def test_it_throttles_an_address_that_is_not_an_account_alike(world, clock):
    """Guesses at an unknown e-mail address are recorded and slowed the same way (no hint that it is not an account)."""
    for _ in range(5):
        services.sign_in_attempt(
            email="nobody@oakfield.test", password=WRONG, ip_address=ATTACKER, now=clock.now
        )
    refused = services.sign_in_attempt(
        email="Nobody@Oakfield.test", password=WRONG, ip_address=ATTACKER, now=clock.now
    )
    assert refused.refusal is not None and refused.refusal.reason == "network"
    assert SignInAttempt.objects.filter(email="nobody@oakfield.test", user=None).count() == 6


def test_it_records_every_attempt_with_time_address_and_browser(world, clock):
    """Success, failure and refusal are each recorded with the time, the address and the browser (truncated)."""
    long_agent = "Mozilla/5.0 " + "x" * 400
    post_sign_in(Client(), world.tutor.email, WRONG, ip=ATTACKER, agent=long_agent)
    clock.advance(seconds=5)
    post_sign_in(Client(), world.tutor.email, ip=HOME, agent="Firefox/140.0")
    for _ in range(5):
        post_sign_in(Client(), world.tutor.email, WRONG, ip=ATTACKER)
    attempts = list(SignInAttempt.objects.filter(email=world.tutor.email).order_by("id"))
    assert [a.outcome for a in attempts] == [Outcome.FAILURE, Outcome.SUCCESS] + [Outcome.FAILURE] * 4 + [
        Outcome.THROTTLED
    ]
    first, success = attempts[0], attempts[1]
    assert (
        first.ip_address == ATTACKER
        and first.user == world.tutor
        and first.at == success.at - datetime.timedelta(seconds=5)
    )
    assert first.user_agent == long_agent[:200]
    assert success.ip_address == HOME and success.user_agent == "Firefox/140.0"
    notes = list(
        AuditEvent.objects.filter(action="login_failed", object_id=world.tutor.email).values_list(
            "note", flat=True
        )
    )
    assert len(notes) == 6 and notes[0].startswith("throttled (network)")


def test_it_takes_the_client_address_from_a_trusted_proxy_only(world, clock, settings):
    """Behind the configured proxy the attempt's address is the forwarded client's; otherwise the header is ignored."""
    import ipaddress

    post_sign_in(Client(HTTP_X_FORWARDED_FOR="192.0.2.200"), world.tutor.email, WRONG, ip=ATTACKER)
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    post_sign_in(
        Client(HTTP_X_FORWARDED_FOR="192.0.2.200, 198.51.100.99"), world.tutor.email, WRONG, ip="127.0.0.1"
    )
    assert list(SignInAttempt.objects.order_by("id").values_list("ip_address", flat=True)) == [
        ATTACKER,
        "198.51.100.99",
    ]
