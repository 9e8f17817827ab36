"""Submission: refused with a clear message for each missing condition; a frozen snapshot when it succeeds."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.testing.personas import client_for
from portfolios import services
from portfolios.models import Entry, Portfolio, Submission
from portfolios.tests.world import build_portfolio_world, complete_required, ready_to_submit
from qualifications.models import Activity

pytestmark = pytest.mark.django_db


def _messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


def test_it_refuses_without_the_mentors_statement() -> None:
    world = build_portfolio_world()
    complete_required(world.portfolio, world.participant)
    with pytest.raises(ValidationError) as exc:
        services.portfolio_submit(actor=world.participant, portfolio=world.portfolio)
    assert "supporting statement" in _messages(exc)
    assert not Submission.objects.exists()


def test_it_refuses_after_the_deadline_without_an_extension_and_accepts_with_one() -> None:
    world = build_portfolio_world()
    ready_to_submit(world)
    late = world.programme.edition.portfolio_deadline + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.portfolio_submit(actor=world.participant, portfolio=world.portfolio, today=late)
    assert "deadline" in _messages(exc) and "extension" in _messages(exc)
    services.extension_grant(
        actor=world.admin,
        portfolio=world.portfolio,
        until=late + datetime.timedelta(days=7),
        reason="Illness",
    )
    submission = services.portfolio_submit(actor=world.participant, portfolio=world.portfolio, today=late)
    assert submission.late


def test_it_refuses_with_a_required_activity_missing() -> None:
    world = build_portfolio_world()
    ready_to_submit(world)
    Entry.objects.filter(portfolio=world.portfolio, activity__number="3.1").update(status=Entry.Status.DRAFT)
    with pytest.raises(ValidationError) as exc:
        services.portfolio_submit(actor=world.participant, portfolio=world.portfolio)
    assert "Activity 3.1" in _messages(exc) and "not complete" in _messages(exc)


def test_it_refuses_when_a_minimum_count_is_not_met() -> None:
    world = build_portfolio_world()
    ready_to_submit(world)
    Entry.objects.filter(portfolio=world.portfolio, activity__number="3.2", sequence__gt=3).delete()
    with pytest.raises(ValidationError) as exc:
        services.portfolio_submit(actor=world.participant, portfolio=world.portfolio)
    assert "Activity 3.2 needs at least 5 complete records; 3 are complete." in _messages(exc)


def test_it_shows_the_reasons_on_the_submit_page() -> None:
    world = build_portfolio_world()
    response = client_for(world.participant).post(f"/portfolios/{world.portfolio.pk}/submit/")
    body = response.content.decode()
    assert response.status_code == 422
    assert (
        "cannot be submitted yet" in body
        and "supporting statement" in body
        and "Activity 2.1 needs at least 3" in body
    )


def test_it_freezes_an_immutable_snapshot() -> None:
    world = build_portfolio_world()
    ready_to_submit(world)
    response = client_for(world.participant).post(f"/portfolios/{world.portfolio.pk}/submit/")
    assert response.status_code == 302
    submission = Submission.objects.get(portfolio=world.portfolio)
    assert submission.snapshot["statement"].startswith("A committed participant")
    assert any(e["activity"] == "3.2" and e["sequence"] == 5 for e in submission.snapshot["entries"])
    world.portfolio.refresh_from_db()
    assert world.portfolio.status == Portfolio.Status.SUBMITTED
    # The portfolio is closed to edits, and the snapshot cannot be changed.
    activity = Activity.objects.get(module__level=world.portfolio.enrolment.level, number="1.1")
    edit = client_for(world.participant).post(
        f"/portfolios/{world.portfolio.pk}/activity/{activity.pk}/1/", {"body": "changed", "complete": "1"}
    )
    assert edit.status_code == 403
    submission.snapshot = {}
    with pytest.raises(ValidationError):
        submission.save()
    with pytest.raises(ValidationError):
        submission.delete()


def test_it_lists_who_is_late() -> None:
    world = build_portfolio_world(deadline=datetime.date.today() - datetime.timedelta(days=3))
    response = client_for(world.admin).get("/portfolios/administration/")
    body = response.content.decode()
    assert "Pip Participant" in body and "Rhea Participant" in body
    services.extension_grant(
        actor=world.admin,
        portfolio=world.portfolio,
        until=datetime.date.today() + datetime.timedelta(days=5),
        reason="Bereavement",
    )
    late_section = (
        client_for(world.admin).get("/portfolios/administration/").content.decode().split('id="late-h"')[1]
    )
    assert "Pip Participant" not in late_section.split("</section>")[0]
