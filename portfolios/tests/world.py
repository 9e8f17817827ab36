"""The people the portfolio tests tell stories about.

On top of the school personas (Oakfield and Riverside): the provider (HMC PD) with Ada the programme administrator
and two reviewers; the university partner with Moira the moderator; Pip, an Oakfield participant mentored by
Mona; Quinn, a second Oakfield participant (also Mona's); Rhea at Riverside mentored by Rex.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from access.roles import Role
from core.testing.factories import OrganisationFactory, RoleFactory, UserFactory
from core.testing.personas import SchoolWorld, build_school_world
from organisations.models import Organisation
from portfolios import services
from portfolios.fixtures import Programme1, build_programme, enrol
from portfolios.models import DifficultIssue, Portfolio
from qualifications.models import Activity


@dataclass
class PortfolioWorld:
    school: SchoolWorld
    programme: Programme1
    provider: Organisation
    university: Organisation
    admin: Any
    reviewer: Any
    reviewer2: Any
    moderator: Any
    participant: Any
    mentor: Any
    participant2: Any
    other_participant: Any
    other_mentor: Any
    portfolio: Portfolio
    portfolio2: Portfolio
    other_portfolio: Portfolio


def _person(org: Organisation, email: str, name: str, role: str) -> Any:
    user = UserFactory(email=email, full_name=name)
    RoleFactory(organisation=org, user=user, role=role)
    return user


def build_portfolio_world(
    *, deadline: datetime.date | None = None, year_start: int | None = None
) -> PortfolioWorld:
    sw = build_school_world()
    provider = OrganisationFactory(
        name="HMC Professional Development", slug="hmcpd", kind=Organisation.Kind.PROVIDER
    )
    university = OrganisationFactory(
        name="UCL Institute of Education", slug="ucl-ioe", kind=Organisation.Kind.UNIVERSITY
    )
    today = datetime.date.today()
    start = year_start if year_start is not None else (today.year if today.month >= 9 else today.year - 1)
    programme = build_programme(
        provider=provider,
        university=university,
        year_start=start,
        deadline=deadline or today + datetime.timedelta(days=60),
    )
    participant = _person(sw.school, "pip@oakfield.test", "Pip Participant", Role.PARTICIPANT)
    participant2 = _person(sw.school, "quinn@oakfield.test", "Quinn Participant", Role.PARTICIPANT)
    mentor = _person(sw.school, "mona@oakfield.test", "Mona Mentor", Role.MENTOR)
    other_participant = _person(sw.other_school, "rhea@riverside.test", "Rhea Participant", Role.PARTICIPANT)
    other_mentor = _person(sw.other_school, "rex@riverside.test", "Rex Mentor", Role.MENTOR)
    cluster_a, cluster_b = programme.clusters[0], programme.clusters[1]
    portfolio = services.portfolio_for_enrolment(
        enrolment=enrol(cluster=cluster_a, school=sw.school, participant=participant, mentor=mentor)
    )
    portfolio2 = services.portfolio_for_enrolment(
        enrolment=enrol(cluster=cluster_a, school=sw.school, participant=participant2, mentor=mentor)
    )
    other = services.portfolio_for_enrolment(
        enrolment=enrol(
            cluster=cluster_b, school=sw.other_school, participant=other_participant, mentor=other_mentor
        )
    )
    return PortfolioWorld(
        school=sw,
        programme=programme,
        provider=provider,
        university=university,
        admin=_person(provider, "ada@hmcpd.test", "Ada Admin", Role.PROGRAMME_ADMIN),
        reviewer=_person(provider, "ray@hmcpd.test", "Ray Reviewer", Role.REVIEWER),
        reviewer2=_person(provider, "rita@hmcpd.test", "Rita Reviewer", Role.REVIEWER),
        moderator=_person(university, "moira@ucl.test", "Moira Moderator", Role.MODERATOR),
        participant=participant,
        mentor=mentor,
        participant2=participant2,
        other_participant=other_participant,
        other_mentor=other_mentor,
        portfolio=portfolio,
        portfolio2=portfolio2,
        other_portfolio=other,
    )


def difficult_issue_answer(activity: Activity, record: int) -> str:
    """For an activity whose records say whether they addressed a difficult issue: the first did, the others not."""
    if not activity.requires_difficult_issue:
        return ""
    return DifficultIssue.YES if record == 1 else DifficultIssue.NO


def complete_required(portfolio: Portfolio, actor: Any) -> None:
    """Complete every required, choice and minimum-count activity of the portfolio's level."""
    for activity in Activity.objects.filter(module__level=portfolio.enrolment.level).exclude(
        kind=Activity.Kind.OPTIONAL
    ):
        count = activity.minimum_count if activity.kind == Activity.Kind.MINIMUM else 1
        for n in range(1, (count or 1) + 1):
            services.entry_save(
                actor=actor,
                portfolio=portfolio,
                activity=activity,
                sequence=n,
                body=f"<p>Entry for {activity.number} record {n}.</p>",
                alternative=activity.alternatives[0] if activity.kind == Activity.Kind.CHOICE else "",
                difficult_issue=difficult_issue_answer(activity, n),
                complete=True,
            )


def ready_to_submit(world: PortfolioWorld, portfolio: Portfolio | None = None) -> Portfolio:
    portfolio = portfolio or world.portfolio
    complete_required(portfolio, portfolio.enrolment.participant)
    services.statement_save(
        actor=portfolio.enrolment.mentor,
        portfolio=portfolio,
        body="A committed participant who has grown in confidence with difficult conversations this year.",
    )
    return portfolio
