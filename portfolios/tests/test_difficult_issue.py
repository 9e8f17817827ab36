"""ISQAM 2.2, "Lead three coaching conversations … including at least one in which you have to address a difficult
issue (Alternative available for aspiring HoDs)": each record says whether it did; submission is refused, naming the
activity, until one does; an aspiring participant may meet the rule with the alternative, and the reviewer sees how
the rule was met."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from access.roles import Role
from core.testing.factories import RoleFactory
from core.testing.personas import client_for
from portfolios import selectors, services
from portfolios.models import DifficultIssue, Entry, Portfolio
from portfolios.tests.world import complete_required
from qualifications.models import Activity
from qualifications.tests.helpers import QualWorld, book, build_qual_world, staff_user

pytestmark = pytest.mark.django_db
STATEMENT = "A committed participant who has grown in confidence in coaching conversations this year."


@pytest.fixture
def w() -> QualWorld:
    return build_qual_world()


def _isqam_portfolio(w: QualWorld, *, aspiring: bool = False) -> Portfolio:
    """An ISQAM Level 1 portfolio (the real 2023-24 content) with every required activity complete and the
    statement written; 2.2's first record addressed a difficult issue."""
    booking, _ = book(w, w.isqam_online, [w.staff[0]], is_aspiring=aspiring)
    portfolio = services.portfolio_for_enrolment(enrolment=booking.enrolments.get())
    complete_required(portfolio, w.staff[0])
    services.statement_save(actor=w.mentor, portfolio=portfolio, body=STATEMENT)
    return portfolio


def _coaching(portfolio: Portfolio) -> Activity:
    return Activity.objects.get(module__level=portfolio.enrolment.level, number="2.2")


def _answer(portfolio: Portfolio, record: int, answer: str) -> Entry:
    return services.entry_save(
        actor=portfolio.enrolment.participant,
        portfolio=portfolio,
        activity=_coaching(portfolio),
        sequence=record,
        body=f"<p>Coaching conversation {record}.</p>",
        difficult_issue=answer,
        complete=True,
    )


def _deadline_day(portfolio: Portfolio):  # noqa: ANN202
    return portfolio.enrolment.edition.portfolio_deadline


def test_it_loads_the_rule_for_isqam_2_2_only(w: QualWorld) -> None:
    """The transcribed ISQAM 2.2 carries the rule; no other activity of the three documents does."""
    flagged = Activity.objects.filter(requires_difficult_issue=True)
    assert [(a.module.edition.programme.code, a.number) for a in flagged] == [("ISQAM", "2.2")]


def test_it_refuses_submission_until_a_coaching_record_addresses_a_difficult_issue(w: QualWorld) -> None:
    """Three records, none difficult: refused, naming 2.2; one record changed to 'yes': accepted."""
    portfolio = _isqam_portfolio(w)
    _answer(portfolio, 1, DifficultIssue.NO)
    with pytest.raises(ValidationError) as exc:
        services.portfolio_submit(actor=w.staff[0], portfolio=portfolio, today=_deadline_day(portfolio))
    (problem,) = exc.value.messages
    assert problem.startswith("Activity 2.2 (Lead three coaching conversations during the year")
    assert "needs at least one complete record that addressed a difficult issue" in problem
    progress = {a.activity.number: a for m in selectors.activity_progress(portfolio) for a in m.activities}
    assert progress["2.2"].done_count == 3 and progress["2.2"].status == selectors.DRAFT

    _answer(portfolio, 2, DifficultIssue.YES)
    submission = services.portfolio_submit(
        actor=w.staff[0], portfolio=portfolio, today=_deadline_day(portfolio)
    )
    assert submission.snapshot["requirements"] == ["Activity 2.2: record 2 addressed a difficult issue."]
    assert {
        e["sequence"]: e["difficult_issue"] for e in submission.snapshot["entries"] if e["activity"] == "2.2"
    } == {
        1: "no",
        2: "yes",
        3: "no",
    }


def test_it_needs_each_record_to_say_before_it_is_complete(w: QualWorld) -> None:
    """Marking a record complete without the answer is refused with a clear error on the form."""
    portfolio = _isqam_portfolio(w)
    activity = _coaching(portfolio)
    with pytest.raises(ValidationError) as exc:
        services.entry_save(
            actor=w.staff[0],
            portfolio=portfolio,
            activity=activity,
            sequence=4,
            body="<p>A fourth.</p>",
            complete=True,
        )
    assert "difficult_issue" in exc.value.message_dict
    url = reverse("portfolios:entry", args=[portfolio.pk, activity.pk, 4])
    page = client_for(w.staff[0]).post(url, {"body": "A fourth conversation.", "complete": "1"})
    assert page.status_code == 200
    assert "Say whether this record of activity 2.2 addressed a difficult issue" in page.content.decode()
    assert not Entry.objects.filter(portfolio=portfolio, activity=activity, sequence=4).exists()
    draft = client_for(w.staff[0]).post(url, {"body": "A fourth conversation.", "difficult_issue": "yes"})
    assert draft.status_code == 302
    assert Entry.objects.get(portfolio=portfolio, activity=activity, sequence=4).difficult_issue == "yes"


def test_it_lets_an_aspiring_participant_meet_the_rule_with_the_alternative(w: QualWorld) -> None:
    """Aspiring: the form offers the alternative; without it or a difficult issue, refused; with it, accepted and
    the reviewer's copy says so."""
    portfolio = _isqam_portfolio(w, aspiring=True)
    activity = _coaching(portfolio)
    _answer(portfolio, 1, DifficultIssue.NO)
    with pytest.raises(ValidationError) as exc:
        services.portfolio_submit(actor=w.staff[0], portfolio=portfolio, today=_deadline_day(portfolio))
    assert "as you are an aspiring participant" in " ".join(exc.value.messages)
    page = client_for(w.staff[0]).get(reverse("portfolios:entry", args=[portfolio.pk, activity.pk, 3]))
    assert 'value="alternative"' in page.content.decode()

    _answer(portfolio, 3, DifficultIssue.ALTERNATIVE)
    submission = services.portfolio_submit(
        actor=w.staff[0], portfolio=portfolio, today=_deadline_day(portfolio)
    )
    assert submission.snapshot["aspiring"] is True
    assert submission.snapshot["requirements"] == [
        "Activity 2.2 (aspiring participant): record 3 is the alternative for aspiring participants "
        "(Alternative available for aspiring HoDs)."
    ]


def test_it_keeps_the_alternative_for_aspiring_participants(w: QualWorld) -> None:
    """A participant in post is neither offered the alternative nor allowed to record it."""
    portfolio = _isqam_portfolio(w)
    activity = _coaching(portfolio)
    page = client_for(w.staff[0]).get(reverse("portfolios:entry", args=[portfolio.pk, activity.pk, 1]))
    assert 'value="alternative"' not in page.content.decode() and 'value="yes"' in page.content.decode()
    with pytest.raises(ValidationError, match="only for aspiring participants"):
        _answer(portfolio, 1, DifficultIssue.ALTERNATIVE)


def test_it_shows_the_reviewer_how_the_rule_was_met(w: QualWorld) -> None:
    """The allocated reviewer's page lists the aspiring flag, the requirement and each record's answer."""
    portfolio = _isqam_portfolio(w, aspiring=True)
    _answer(portfolio, 1, DifficultIssue.NO)
    _answer(portfolio, 2, DifficultIssue.ALTERNATIVE)
    submission = services.portfolio_submit(
        actor=w.staff[0], portfolio=portfolio, today=_deadline_day(portfolio)
    )
    reviewer = staff_user(w.provider, "rory@hmcpd.test", "Rory Reviewer")
    RoleFactory(organisation=w.provider, user=reviewer, role=Role.REVIEWER)
    (review,) = services.reviews_allocate(
        actor=w.admin, provider=w.provider, reviewers=[reviewer], submissions=[submission]
    ).reviews
    page = client_for(reviewer).get(reverse("portfolios:review", args=[review.pk])).content.decode()
    assert "Aspiring participant" in page
    assert (
        "Activity 2.2 (aspiring participant): record 2 is the alternative for aspiring participants" in page
    )
    assert "the alternative for aspiring participants instead" in page
