"""Allocation never gives a reviewer a participant from a school where they work, nor one they mentor; when no
chosen reviewer is independent, the portfolio stays unallocated and the administrator is told why."""

from __future__ import annotations

import pytest

from core.testing.factories import StaffMemberFactory
from core.testing.personas import client_for
from portfolios import services
from portfolios.models import Review
from portfolios.tests.world import build_portfolio_world, ready_to_submit

pytestmark = pytest.mark.django_db


def _submit(world, portfolio):  # noqa: ANN001, ANN202
    return services.portfolio_submit(
        actor=portfolio.enrolment.participant, portfolio=ready_to_submit(world, portfolio)
    )


def test_it_gives_an_oakfield_portfolio_to_the_reviewer_who_does_not_work_there() -> None:
    """Ray (first on an even load) works at Oakfield, so Pip's portfolio goes to Rita instead."""
    world = build_portfolio_world()
    StaffMemberFactory(organisation=world.school.school, user=world.reviewer)
    submission = _submit(world, world.portfolio)
    result = services.reviews_allocate(
        actor=world.admin,
        provider=world.provider,
        reviewers=[world.reviewer, world.reviewer2],
        submissions=[submission],
    )
    (review,) = result.reviews
    assert review.reviewer == world.reviewer2
    assert result.unallocated == []


def test_it_balances_loads_only_among_independent_reviewers() -> None:
    """Both Oakfield portfolios go to Rita (Ray works there); Riverside's can go to Ray."""
    world = build_portfolio_world()
    StaffMemberFactory(organisation=world.school.school, user=world.reviewer)
    subs = [_submit(world, p) for p in (world.portfolio, world.portfolio2, world.other_portfolio)]
    result = services.reviews_allocate(
        actor=world.admin,
        provider=world.provider,
        reviewers=[world.reviewer, world.reviewer2],
        submissions=subs,
    )
    by_school = {(r.submission.organisation_id, r.reviewer_id) for r in result.reviews}
    assert (world.school.school.pk, world.reviewer.pk) not in by_school
    assert len(result.reviews) == 3


def test_it_never_gives_a_mentor_their_own_mentee() -> None:
    """A reviewer named as the participant's mentor may not review them, even from another school."""
    world = build_portfolio_world()
    enrolment = world.portfolio.enrolment
    enrolment.mentor = world.reviewer
    enrolment.save(update_fields=["mentor"])
    submission = _submit(world, world.portfolio)
    result = services.reviews_allocate(
        actor=world.admin, provider=world.provider, reviewers=[world.reviewer], submissions=[submission]
    )
    assert result.reviews == []
    ((left, reason),) = result.unallocated
    assert left == submission and "is the participant's mentor" in reason
    assert not Review.objects.filter(submission=submission).exists()


def test_it_says_so_when_no_chosen_reviewer_is_independent() -> None:
    """Ray alone, working at Oakfield: Pip's portfolio is not allocated and the page says why."""
    world = build_portfolio_world()
    StaffMemberFactory(organisation=world.school.school, user=world.reviewer)
    submission = _submit(world, world.portfolio)
    response = client_for(world.admin).post(
        "/portfolios/administration/allocate/", {"reviewers": [world.reviewer.pk]}, follow=True
    )
    assert not Review.objects.filter(submission=submission).exists()
    page = response.content.decode()
    assert "0 portfolio(s) allocated." in page
    assert "Pip Participant" in page and "is not allocated" in page and "works at" in page


def test_it_treats_a_current_role_at_the_school_as_working_there() -> None:
    """A role held at the participant's school (without a staff record) is a conflict too."""
    world = build_portfolio_world()
    submission = _submit(world, world.portfolio)
    # Mona mentors at Oakfield; as a reviewer she may not take another Oakfield participant.
    from access.roles import Role
    from core.testing.factories import RoleFactory

    RoleFactory(organisation=world.provider, user=world.mentor, role=Role.REVIEWER)
    enrolment = world.portfolio2.enrolment
    assert enrolment.mentor == world.mentor
    other = _submit(world, world.portfolio2)
    result = services.reviews_allocate(
        actor=world.admin, provider=world.provider, reviewers=[world.mentor], submissions=[submission, other]
    )
    assert result.reviews == [] and len(result.unallocated) == 2
