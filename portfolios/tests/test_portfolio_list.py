"""The administrator reaches every open portfolio: a paged list of the provider's portfolios linked from the
administration page's count, and a link from each place on the participants list to its portfolio."""

from __future__ import annotations

import pytest
from django.urls import reverse

from access.roles import Role
from core.testing.factories import OrganisationFactory, RoleFactory, UserFactory
from core.testing.personas import client_for
from organisations.models import Organisation
from portfolios import services
from portfolios.fixtures import enrol
from portfolios.models import Portfolio
from portfolios.tests.world import build_portfolio_world

pytestmark = pytest.mark.django_db
LIST = reverse("portfolios:portfolio_list")


@pytest.fixture
def world():
    return build_portfolio_world()


def _other_provider_admin():  # noqa: ANN202
    org = OrganisationFactory(name="Other Provider", slug="other-pd", kind=Organisation.Kind.PROVIDER)
    user = UserFactory(email="oona@other.test", full_name="Oona Other")
    RoleFactory(organisation=org, user=user, role=Role.PROGRAMME_ADMIN)
    return user


def test_it_links_the_open_count_to_the_list_of_open_portfolios(world):
    """The administration page's "3 open portfolios" is a link to a list of those three, each linked, with the
    participant, school, level, status and progress."""
    admin = client_for(world.admin)
    page = admin.get(reverse("portfolios:provider_admin")).content.decode()
    assert f'href="{LIST}">3 open portfolios</a>' in page
    body = admin.get(LIST).content.decode()
    for p in (world.portfolio, world.portfolio2, world.other_portfolio):
        assert reverse("portfolios:portfolio", args=[p.pk]) in body
        assert p.enrolment.participant.full_name in body and p.organisation.name in body
    assert str(world.portfolio.enrolment.level) in body
    assert "In progress" in body and "0%" in body


def test_it_lists_finished_portfolios_only_when_asked(world):
    """A closed portfolio is left out of the open list and shown under "all"."""
    Portfolio.objects.filter(pk=world.portfolio2.pk).update(status=Portfolio.Status.SUBMITTED)
    admin = client_for(world.admin)
    url = reverse("portfolios:portfolio", args=[world.portfolio2.pk])
    assert url not in admin.get(LIST).content.decode()
    assert url in admin.get(LIST + "?show=all").content.decode()


def test_it_refuses_the_list_to_everyone_but_the_providers_administrators(world):
    """Reviewers, mentors, participants and moderators get 403; another provider's administrator sees none of
    this provider's portfolios."""
    for user in (world.reviewer, world.mentor, world.participant, world.moderator, world.school.outsider):
        assert client_for(user).get(LIST).status_code == 403
    body = client_for(_other_provider_admin()).get(LIST).content.decode()
    assert world.participant.full_name not in body
    assert reverse("portfolios:portfolio", args=[world.portfolio.pk]) not in body


def test_it_links_each_place_on_the_participants_list_to_its_portfolio(world):
    """The administrator's participants list links each place to its portfolio."""
    body = client_for(world.admin).get(reverse("qualifications:participant_list")).content.decode()
    for p in (world.portfolio, world.portfolio2, world.other_portfolio):
        assert reverse("portfolios:portfolio", args=[p.pk]) in body


def test_it_links_no_portfolio_the_viewer_may_not_open(world):
    """Oakfield's CPD coordinator sees Oakfield's places but may not open their portfolios: no links; and none of
    Riverside's places at all."""
    body = client_for(world.school.cpd_coordinator).get(reverse("qualifications:participant_list"))
    text = body.content.decode()
    assert world.participant.full_name in text
    assert world.other_participant.full_name not in text
    for p in (world.portfolio, world.portfolio2, world.other_portfolio):
        assert reverse("portfolios:portfolio", args=[p.pk]) not in text
    assert (
        client_for(world.school.cpd_coordinator)
        .get(reverse("portfolios:portfolio", args=[world.portfolio.pk]))
        .status_code
        == 403
    )


def test_it_shows_another_providers_administrator_none_of_these_portfolios(world):
    """Another provider's administrator gets an empty list, open or all, with no participant, school or link."""
    other = client_for(_other_provider_admin())
    for url in (LIST, LIST + "?show=all"):
        response = other.get(url)
        body = response.content.decode()
        assert response.status_code == 200 and "No portfolios." in body
        for p in (world.portfolio, world.portfolio2, world.other_portfolio):
            assert reverse("portfolios:portfolio", args=[p.pk]) not in body
            assert p.enrolment.participant.full_name not in body
        assert world.school.school.name not in body


def test_it_pages_a_long_list_fifty_at_a_time(world):
    """With 53 open portfolios the first page shows 50 and links to the second, which shows the other 3."""
    cluster = world.programme.clusters[0]
    for n in range(1, 51):
        participant = UserFactory(email=f"bulk{n:02d}@oakfield.test", full_name=f"Aaron Bulk {n:02d}")
        services.portfolio_for_enrolment(
            enrolment=enrol(
                cluster=cluster, school=world.school.school, participant=participant, mentor=world.mentor
            )
        )
    admin = client_for(world.admin)
    first = admin.get(LIST)
    body = first.content.decode()
    assert len(first.context["rows"]) == 50
    assert "Aaron Bulk 50" in body and world.participant.full_name not in body
    assert "Page 1 of 2 (53 in all)" in body and 'href="?page=2"' in body
    second = admin.get(LIST + "?page=2")
    names = [row.portfolio.enrolment.participant.full_name for row in second.context["rows"]]
    assert names == ["Pip Participant", "Quinn Participant", "Rhea Participant"]
    assert 'href="?show=all&page=2"' in admin.get(LIST + "?show=all").content.decode()
