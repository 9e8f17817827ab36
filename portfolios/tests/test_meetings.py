"""Mentor meetings: logged, confirmed by both, 'at least twice per term' on every dashboard, reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.testing.clock import fixed_clock
from core.testing.factories import AcademicYearFactory, TermFactory
from core.testing.personas import client_for
from organisations.models import Term
from portfolios import services
from portfolios.models import MentorMeeting
from portfolios.tasks import send_meeting_reminders
from portfolios.terms import current_term, default_terms
from portfolios.tests.world import build_portfolio_world

pytestmark = pytest.mark.django_db


def _meet(world, portfolio, day: datetime.date, confirm: bool = True) -> MentorMeeting:  # noqa: ANN001
    meeting = services.meeting_log(
        actor=portfolio.enrolment.mentor,
        portfolio=portfolio,
        held_on=day,
        minutes=45,
        topics="Coaching conversations",
        agreed_actions="Draft 2.1",
        today=max(day, datetime.date.today()),
    )
    if confirm:
        services.meeting_confirm(actor=portfolio.enrolment.participant, meeting=meeting)
    return meeting


def test_it_uses_the_schools_terms_or_the_uk_defaults() -> None:
    world = build_portfolio_world()
    assert current_term(world.school.school.pk, datetime.date(2026, 10, 1)).name == "Autumn term"
    assert current_term(world.school.school.pk, datetime.date(2026, 8, 10)) is None
    year = AcademicYearFactory()
    TermFactory(
        organisation=world.school.school,
        academic_year=year,
        kind=Term.Kind.AUTUMN,
        starts_on=datetime.date(2026, 9, 8),
        ends_on=datetime.date(2026, 12, 11),
    )
    assert current_term(world.school.school.pk, datetime.date(2026, 12, 15)) is None
    assert default_terms(2026)[0].ends_on == datetime.date(2026, 12, 20)


def test_it_needs_both_to_confirm_and_refuses_future_meetings() -> None:
    world = build_portfolio_world()
    client = client_for(world.mentor)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    page = client.post(
        f"/portfolios/{world.portfolio.pk}/meetings/", {"held_on": future, "minutes": 30, "topics": "Plans"}
    )
    assert "only be logged once it has happened" in page.content.decode()
    today = datetime.date.today().isoformat()
    client.post(
        f"/portfolios/{world.portfolio.pk}/meetings/", {"held_on": today, "minutes": 30, "topics": "Plans"}
    )
    meeting = MentorMeeting.objects.get()
    assert meeting.mentor_confirmed_at and not meeting.confirmed
    client_for(world.participant).post(f"/portfolios/meeting/{meeting.pk}/confirm/")
    meeting.refresh_from_db()
    assert meeting.confirmed
    page = client.get(f"/portfolios/{world.portfolio.pk}/meetings/").content.decode()
    assert "Meetings per term this school year" in page and "Confirmed by both" in page
    # The school's tutor may not log meetings for Pip.
    assert (
        client_for(world.school.tutor).post(f"/portfolios/{world.portfolio.pk}/meetings/", {}).status_code
        == 403
    )


def test_it_shows_who_is_behind_this_term_on_every_dashboard(monkeypatch) -> None:  # noqa: ANN001
    # A day in the autumn term of the world's year, whatever day the test runs (in a holiday no term is current).
    world = build_portfolio_world(year_start=2026)
    day = fixed_clock(monkeypatch, timezone.make_aware(datetime.datetime(2026, 10, 14, 10, 0)))
    term = current_term(world.school.school.pk, day)
    assert term is not None and term.starts_on < day
    _meet(world, world.portfolio, term.starts_on)
    _meet(world, world.portfolio, term.starts_on + datetime.timedelta(days=1))
    _meet(world, world.portfolio2, term.starts_on)
    mentor_home = client_for(world.mentor).get("/portfolios/").content.decode()
    pip_row = mentor_home.split("Pip Participant")[1].split("</tr>")[0]
    quinn_row = mentor_home.split("Quinn Participant")[1].split("</tr>")[0]
    assert "On track: 2 this term" in pip_row and "Behind: 1 of 2 this term" in quinn_row
    assert "Behind: 1 of 2" in client_for(world.participant2).get("/portfolios/").content.decode()
    behind = (
        client_for(world.admin).get("/portfolios/administration/").content.decode().split('id="behind-h"')[1]
    )
    behind = behind.split("</section>")[0]
    assert "Quinn Participant" in behind and "Rhea Participant" in behind and "Pip Participant" not in behind


def test_it_emails_reminders_before_the_term_ends() -> None:
    world = build_portfolio_world()
    end = default_terms(2026)[0].ends_on
    _meet(world, world.portfolio, datetime.date(2026, 10, 1))
    _meet(world, world.portfolio, datetime.date(2026, 11, 1))
    _meet(world, world.portfolio2, datetime.date(2026, 10, 1))
    early = send_meeting_reminders.call((end - datetime.timedelta(days=40)).isoformat())
    assert early == 0 and not mail.outbox
    sent = send_meeting_reminders.call((end - datetime.timedelta(days=5)).isoformat())
    recipients = {tuple(m.to) for m in mail.outbox}
    assert sent == 2  # Quinn's and Rhea's pairs; Pip is on track
    assert (world.mentor.email, world.participant2.email) in recipients
    assert all(world.participant.email not in m.to for m in mail.outbox)


def test_it_enqueues_the_reminders_from_a_command(django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """Enqueued only after commit; the immediate backend then sends one e-mail per pair behind."""
    build_portfolio_world()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("enqueue_meeting_reminders", "--date", "2026-12-15")
    assert not mail.outbox and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 3  # all three pairs are behind: no meetings at all


def test_it_stops_counting_meetings_once_the_portfolio_is_submitted(monkeypatch) -> None:  # noqa: ANN001
    """A certified participant from last year was told "Behind: 0 of 2 this term" on their portfolios page."""
    world = build_portfolio_world(year_start=2026)
    fixed_clock(monkeypatch, timezone.make_aware(datetime.datetime(2026, 10, 14, 10, 0)))
    world.portfolio.status = world.portfolio.Status.FINAL
    world.portfolio.save(update_fields=["status"])
    own = client_for(world.participant).get("/portfolios/").content.decode()
    row = own.split('id="own-h"')[1].split("</tr>")[1]
    assert "Not needed once submitted" in row and "Behind" not in row
