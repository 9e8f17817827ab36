"""Who sees sign-in attempts: each person their own; a school administrator their school's accounts under attack."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.tests.conftest import post_sign_in
from audit.models import AuditEvent
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import build_school_world, client_for

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-at-all"


@pytest.fixture
def world(clock):
    return build_school_world()


def flood(email: str, clock, guesses: int = 30) -> None:  # type: ignore[no-untyped-def]
    """Guesses at an account from ever-new addresses, a minute apart."""
    for n in range(guesses):
        services.sign_in_attempt(email=email, password=WRONG, ip_address=f"10.9.0.{n + 1}", now=clock.now)
        clock.advance(minutes=1)


def test_it_shows_a_person_their_own_sign_ins_and_failures_with_address_and_browser(world, clock):
    """The account page lists successes, failures and refusals (time, address, browser), and the view is audited."""
    post_sign_in(Client(), world.tutor.email, WRONG, ip="203.0.113.66", agent="EvilBot/1.0")
    clock.advance(minutes=2)
    post_sign_in(Client(), world.tutor.email, ip="198.51.100.7", agent="Mozilla/5.0 Firefox/140.0")
    post_sign_in(Client(), world.head_of_year9.email, WRONG, ip="203.0.113.67", agent="SomeoneElse/2.0")
    client = client_for(world.tutor)
    home = client.get(reverse("home")).content.decode()
    assert reverse("accounts:my_sign_ins") in home  # linked from the navigation
    page = client.get(reverse("accounts:my_sign_ins")).content.decode()
    assert "203.0.113.66" in page and "EvilBot/1.0" in page and "Wrong e-mail address or password" in page
    assert "198.51.100.7" in page and "Firefox/140.0" in page and "Signed in" in page
    assert "14 Jan 2030 08:00" in page and "14 Jan 2030 08:02" in page
    assert "203.0.113.67" not in page and "SomeoneElse" not in page  # another person's attempts
    assert "1 sign-in" in page and "1 failed attempt" in page
    assert AuditEvent.objects.filter(
        action="read", actor=world.tutor, object_type="accounts.SignInAttempt", object_id=str(world.tutor.pk)
    ).exists()


def test_it_shows_sign_ins_only_after_the_second_factor(world, clock):
    """A DSL who has given only the password is sent to the second factor before seeing addresses."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.dsl, name="phone", confirmed=True)
    client = Client()
    post_sign_in(client, world.dsl.email, ip="198.51.100.7")
    response = client.get(reverse("accounts:my_sign_ins"))
    assert response.status_code == 302 and reverse("accounts:two_factor") in response["Location"]


def test_it_lists_an_account_under_attack_to_its_school_administrator(world, clock):
    """Adam sees Tess's account with failures in the hour and the day, refusals and distinct addresses; audited."""
    flood(world.tutor.email, clock, guesses=30)
    flood(world.senco.email, clock, guesses=3)  # a few typos are not an attack
    page = client_for(world.admin).get(reverse("accounts:under_attack"))
    assert page.status_code == 200
    rows = {row["user"]: row for row in page.context["rows"]}
    assert set(rows) == {world.tutor}
    tess = rows[world.tutor]
    assert tess["failures_day"] == 30 and tess["addresses_day"] == 30
    assert 0 < tess["failures_hour"] <= 30
    html = page.content.decode()
    assert "Tess Tutor" in html and reverse("accounts:account_sign_ins", args=[world.tutor.pk]) in html
    assert "Sam Senco" not in html
    assert AuditEvent.objects.filter(
        action="read", actor=world.admin, organisation=world.school, note="accounts under attack"
    ).exists()
    assert reverse("accounts:under_attack") in client_for(world.admin).get(reverse("home")).content.decode()


def test_it_never_lists_another_schools_accounts(world, clock):
    """Riverside's administrator does not see Oakfield's account under attack, and Adam does not see Riverside's."""
    flood(world.tutor.email, clock)
    flood(world.outsider.email, clock)
    riverside = client_for(world.other_admin).get(reverse("accounts:under_attack"))
    assert [row["user"] for row in riverside.context["rows"]] == [world.outsider]
    assert "Tess Tutor" not in riverside.content.decode()
    oakfield = client_for(world.admin).get(reverse("accounts:under_attack"))
    assert [row["user"] for row in oakfield.context["rows"]] == [world.tutor]
    assert "Olive Outsider" not in oakfield.content.decode()


def test_it_refuses_accounts_under_attack_to_other_roles(world, clock):
    """A senior leader, a DSL and a tutor get 403: only the school administrator watches sign-ins."""
    for user in (world.senior, world.dsl, world.tutor):
        assert client_for(user).get(reverse("accounts:under_attack")).status_code == 403


def test_it_shows_the_administrator_one_accounts_attempts(world, clock):
    """From the list, Adam opens Tess's attempts (time, address, browser); the view is audited against Tess."""
    flood(world.tutor.email, clock, guesses=12)
    response = client_for(world.admin).get(reverse("accounts:account_sign_ins", args=[world.tutor.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "Sign-ins of Tess Tutor" in page
    assert "10.9.0.1<" in page and "10.9.0.12<" in page
    assert AuditEvent.objects.filter(
        action="read", actor=world.admin, object_type="accounts.SignInAttempt", object_id=str(world.tutor.pk)
    ).exists()


@outsider_test("accounts:account_sign_ins")
def test_it_hides_one_accounts_attempts_from_another_school(world, clock):
    """Riverside's administrator and senior leader get 404 for an Oakfield person's attempts."""
    url = reverse("accounts:account_sign_ins", args=[world.tutor.pk])
    assert_outsider_404(client_for(world.other_admin), url)
    assert_outsider_404(client_for(world.outsider), url)


def test_it_refuses_one_accounts_attempts_to_other_roles_in_the_school(world, clock):
    """The DSL and the senior leader at Oakfield get 403 for Tess's attempts; the refusal is audited."""
    url = reverse("accounts:account_sign_ins", args=[world.tutor.pk])
    assert client_for(world.dsl).get(url).status_code == 403
    assert client_for(world.senior).get(url).status_code == 403
    assert AuditEvent.objects.filter(
        action="denied", actor=world.senior, object_id=str(world.tutor.pk)
    ).exists()
