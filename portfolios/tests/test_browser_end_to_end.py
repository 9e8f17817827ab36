"""End to end in Chromium, axe-core on every page: a participant completes every required Level 1 activity, the
mentor logs two meetings in each term and writes the statement, the participant submits, a reviewer passes it,
the sample is drawn, the moderator agrees, the certificate is issued and its verification page says valid."""

from __future__ import annotations

import datetime

import pytest

from core.testing.browser import axe_check, sign_in, visit
from portfolios.models import Certificate, MentorMeeting, Portfolio, Submission
from portfolios.terms import default_terms
from portfolios.tests.world import build_portfolio_world
from qualifications.models import Activity

pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.django_db(transaction=True)]


def _go(page, url: str) -> None:  # noqa: ANN001
    visit(page, url)


def _click(page, role: str, name: str) -> None:  # noqa: ANN001
    page.get_by_role(role, name=name, exact=True).first.click()
    page.wait_for_load_state()
    axe_check(page)


def _sign_out(page) -> None:  # noqa: ANN001
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_it_takes_a_portfolio_from_first_entry_to_a_valid_certificate(page, live_server) -> None:  # noqa: ANN001
    today = datetime.date.today()
    year_start = (
        today.year - 1 if today.month >= 9 else today.year - 2
    )  # last school year: every term is past
    world = build_portfolio_world(year_start=year_start, deadline=today + datetime.timedelta(days=30))
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())

    _participant_completes_level_1(page, base, world)
    _mentor_logs_meetings_and_statement(page, base, world, year_start)
    _participant_confirms_and_submits(page, base, world)
    _administrator_allocates(page, base, world)
    _reviewer_passes_it(page, base, world)
    _administrator_draws_sample(page, base, world)
    _moderator_agrees(page, base, world)
    certificate = _outcomes_made_final(page, base, world)
    _certificate_verified(page, base, world, certificate)


def _participant_completes_level_1(page, base: str, world) -> None:  # noqa: ANN001
    """The participant completes every required, choice and minimum-count activity of Level 1."""
    portfolio = world.portfolio
    sign_in(page, base, world.participant)
    _go(page, f"{base}/portfolios/")
    _click(page, "link", str(portfolio.enrolment.level))
    assert "0% of required activities complete" in page.content()
    activities = Activity.objects.filter(module__level=portfolio.enrolment.level).exclude(kind="optional")
    for activity in activities.order_by("module__number", "position"):
        records = activity.minimum_count if activity.kind == "minimum" else 1
        for n in range(1, records + 1):
            _go(page, f"{base}/portfolios/{portfolio.pk}/module/{activity.module.number}/")
            _go(page, f"{base}/portfolios/{portfolio.pk}/activity/{activity.pk}/{n}/")
            page.get_by_label("Your entry").fill(
                f"I completed {activity.number}, record {n}, and reflected on it."
            )
            if activity.kind == "choice":
                page.get_by_label("Which alternative did you complete?").select_option(index=1)
            if activity.kind == "minimum":
                page.get_by_label("Focus").fill(f"Observation {n}")
            if activity.requires_difficult_issue:
                page.get_by_label("Did this conversation address a difficult issue?").select_option(
                    "yes" if n == 1 else "no"
                )
            if activity.is_structured_reflection:
                page.get_by_label("What did you learn about your practice or your pupils?").fill(
                    "To listen first."
                )
            if activity.number == "1.1":
                # Formatting from the toolbar; drafts are saved as you type (htmx, 1.5 s after the last change).
                page.get_by_label("Your entry").select_text()
                page.get_by_role("button", name="Bold").click()
                page.get_by_text("Draft saved at").wait_for()
                assert portfolio.entries.get(activity=activity).status == "draft"
                assert "<strong>I completed 1.1" in portfolio.entries.get(activity=activity).body
            _click(page, "button", "Mark complete")
            assert "Entry marked complete." in page.content()
    _go(page, f"{base}/portfolios/{portfolio.pk}/")
    assert "100% of required activities complete" in page.content()
    _sign_out(page)


def _mentor_logs_meetings_and_statement(page, base: str, world, year_start: int) -> None:  # noqa: ANN001
    """The mentor logs two meetings in each term and writes the supporting statement."""
    portfolio = world.portfolio
    sign_in(page, base, world.mentor)
    _go(page, f"{base}/portfolios/")
    for term in default_terms(year_start):
        for offset in (10, 40):
            _go(page, f"{base}/portfolios/{portfolio.pk}/meetings/")
            page.get_by_label("Date of the meeting").fill(
                (term.starts_on + datetime.timedelta(days=offset)).isoformat()
            )
            page.get_by_label("Length in minutes").fill("45")
            page.get_by_label("Topics discussed").fill(f"{term.name}: progress on the portfolio")
            page.get_by_label("Agreed actions").fill("Draft the next activity")
            _click(page, "button", "Log meeting")
            assert "Meeting logged" in page.content()
    _go(page, f"{base}/portfolios/{portfolio.pk}/")
    _click(page, "link", "Write the supporting statement")
    page.get_by_label("Supporting statement").fill(
        "Pip has engaged thoughtfully with every module and met me regularly; I support this portfolio."
    )
    _click(page, "button", "Save statement")
    assert "Supporting statement saved." in page.content()
    _sign_out(page)
    assert MentorMeeting.objects.filter(portfolio=portfolio).count() == 6


def _participant_confirms_and_submits(page, base: str, world) -> None:  # noqa: ANN001
    """The participant confirms the meetings and submits."""
    portfolio = world.portfolio
    sign_in(page, base, world.participant)
    _go(page, f"{base}/portfolios/{portfolio.pk}/meetings/")
    for _ in range(6):
        page.get_by_role("button", name="Confirm").first.click()
        page.wait_for_load_state()
    axe_check(page)
    assert all(m.confirmed for m in MentorMeeting.objects.filter(portfolio=portfolio))
    _go(page, f"{base}/portfolios/{portfolio.pk}/submit/")
    _click(page, "button", "Submit portfolio")
    assert "Your portfolio is submitted" in page.content()
    assert Submission.objects.filter(portfolio=portfolio).count() == 1
    _sign_out(page)


def _administrator_allocates(page, base: str, world) -> None:  # noqa: ANN001
    """The administrator allocates it to a reviewer."""
    sign_in(page, base, world.admin)
    _go(page, f"{base}/portfolios/administration/")
    page.get_by_label("Ray Reviewer").check()
    _click(page, "button", "Allocate")
    assert "1 portfolio(s) allocated." in page.content()
    _sign_out(page)


def _reviewer_passes_it(page, base: str, world) -> None:  # noqa: ANN001
    """The reviewer passes it."""
    portfolio = world.portfolio
    sign_in(page, base, world.reviewer)
    _go(page, f"{base}/portfolios/")
    _click(page, "link", f"Pip Participant, {portfolio.enrolment.level}")
    for module in portfolio.enrolment.level.modules.order_by("number"):
        group = page.get_by_role("group", name=f"Module {module.number}: outcome")
        group.get_by_label("Satisfactory", exact=True).check()
        page.get_by_label(f"Module {module.number}: feedback").fill("Secure evidence throughout.")
    page.get_by_role("group", name="Outcome for the whole portfolio").get_by_label(
        "Satisfactory", exact=True
    ).check()
    page.get_by_label("Feedback for the participant").fill("A strong, reflective portfolio.")
    page.get_by_label("Strength of the portfolio").select_option("4")
    _click(page, "button", "Record review")
    assert "Review recorded." in page.content()
    _sign_out(page)


def _administrator_draws_sample(page, base: str, world) -> None:  # noqa: ANN001
    """The administrator draws the moderation sample."""
    sign_in(page, base, world.admin)
    _go(page, f"{base}/portfolios/administration/")
    page.get_by_label("Edition").select_option(label=str(world.programme.edition))
    page.get_by_label("Random number to draw an earlier sample again (optional)").fill("2027")
    _click(page, "button", "Draw sample")
    assert "Its random number is 2027" in page.content()
    _sign_out(page)


def _moderator_agrees(page, base: str, world) -> None:  # noqa: ANN001
    """The external moderator agrees, seeing no names."""
    sign_in(page, base, world.moderator)
    _go(page, f"{base}/portfolios/")
    _click(page, "link", "Portfolio 001")
    assert "Pip Participant" not in page.content() and "Oakfield" not in page.content()
    page.get_by_label("Agree", exact=True).check()
    _click(page, "button", "Record verdict")
    assert "Verdict recorded for Portfolio 001." in page.content()
    _sign_out(page)


def _outcomes_made_final(page, base: str, world) -> Certificate:  # noqa: ANN001
    """The administrator makes the outcomes final: the certificate is issued."""
    portfolio = world.portfolio
    sign_in(page, base, world.admin)
    _go(page, f"{base}/portfolios/administration/")
    page.get_by_role("link", name=f"{world.programme.edition}, drawn").first.click()
    page.wait_for_load_state()
    _click(page, "link", "Make outcomes final and issue certificates")
    _click(page, "button", "Make outcomes final")
    assert "1 certificate(s) issued." in page.content()
    _sign_out(page)
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.FINAL and portfolio.final_outcome == "satisfactory"
    certificate = Certificate.objects.get(portfolio=portfolio)
    return certificate


def _certificate_verified(page, base: str, world, certificate: Certificate) -> None:  # noqa: ANN001
    """The participant sees it; anyone can verify it without signing in."""
    portfolio = world.portfolio
    sign_in(page, base, world.participant)
    _go(page, f"{base}/portfolios/{portfolio.pk}/")
    assert certificate.code in page.content()
    _click(page, "link", "Public verification page")
    _sign_out(page)
    _go(page, f"{base}/portfolios/verify/")
    page.get_by_label("Verification code").fill(certificate.code)
    _click(page, "button", "Verify")
    content = page.content()
    assert "Valid" in content and "Pip Participant" in content and "Level 1" in content
