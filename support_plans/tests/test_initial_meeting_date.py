"""The initial meeting starts the clock: it is held on or after the plan was opened and not in the future, and a
mistyped date can be corrected until a review is held (the schedule then follows the corrected date). The clock is
stopped on Monday 14 December 2026; the plan opened on Monday 7 December."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from behaviour.services import report_scores_record
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from support_plans import selectors, services
from support_plans.models import Meeting
from support_plans.tests.helpers import open_plan, smart

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 12, 14, 10, 0, tzinfo=datetime.UTC)
TODAY = AT.date()
OPENED = datetime.date(2026, 12, 7)
W = datetime.timedelta(weeks=1)

world = shared_world(at=AT)


@pytest.fixture
def plan(world):
    """Alice's plan, opened on 7 Dec 2026 with one SMART target, its initial meeting not yet recorded."""
    plan = open_plan(world, opened_on=OPENED)
    services.target_add(actor=world.head_of_year9, plan=plan, **smart(due_on=datetime.date(2027, 1, 29)))
    return plan


def _initial(world, plan, held_on, **extra):
    return services.meeting_record(
        actor=world.head_of_year9,
        plan=plan,
        kind=Meeting.Kind.INITIAL,
        held_on=held_on,
        summary="Targets agreed with Alice and her mother.",
        attendees=list(plan.parties.all()),
        **extra,
    )


def _post_initial(world, plan, held_on):
    return client_for(world.head_of_year9).post(
        reverse("support_plans:meeting_add", args=[plan.pk, "initial"]),
        {
            "kind": "initial",
            "held_on": held_on,
            "summary": "Targets agreed.",
            "attendees": [p.pk for p in plan.parties.all()],
        },
    )


def _correct(user, plan, held_on):
    return client_for(user).post(
        reverse("support_plans:initial_meeting_date", args=[plan.pk]), {"held_on": held_on}
    )


def test_it_records_an_initial_meeting_before_the_plan_was_opened_and_warns_it_can_be_corrected(world, plan):
    """A PSP already running when the school starts recording it: 'Held on' 1 Jan 2026 for a plan opened here on 7 Dec
    2026 is taken (its schedule runs from 1 Jan), with a warning naming both dates and how to correct a mistake."""
    client = client_for(world.head_of_year9)
    response = client.post(
        reverse("support_plans:meeting_add", args=[plan.pk, "initial"]),
        {
            "kind": "initial",
            "held_on": "2026-01-01",
            "summary": "Targets agreed.",
            "attendees": [p.pk for p in plan.parties.all()],
        },
        follow=True,
    )
    page = " ".join(response.content.decode().split())
    assert "dated 1 January 2026, before the plan was opened here (7 December 2026)" in page
    assert "correct the date from the initial meeting" in page
    plan.refresh_from_db()
    assert plan.starts_on == datetime.date(2026, 1, 1)


def test_it_refuses_through_the_form_an_initial_meeting_in_the_future(world, plan):
    """Tomorrow (15 Dec) is refused by the form; today is taken."""
    response = _post_initial(world, plan, "2026-12-15")
    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()
    assert not plan.meetings.exists()
    assert _post_initial(world, plan, "2026-12-14").status_code == 302
    plan.refresh_from_db()
    assert plan.starts_on == TODAY


def test_it_corrects_the_initial_meeting_date_and_recomputes_the_schedule_as_for_a_new_one(world, plan):
    """Recorded on 8 Dec, corrected to Wed 9 Dec: reviews due 6 Jan and 3 Feb, the final meeting 3 Mar 2027."""
    _initial(world, plan, datetime.date(2026, 12, 8))
    page = client_for(world.head_of_year9).get(reverse("support_plans:plan_detail", args=[plan.pk]))
    assert reverse("support_plans:initial_meeting_date", args=[plan.pk]) in page.content.decode()
    response = _correct(world.head_of_year9, plan, "2026-12-09")
    assert response.status_code == 302
    plan.refresh_from_db()
    meeting = plan.meetings.get()
    assert meeting.held_on == plan.starts_on == datetime.date(2026, 12, 9)
    assert plan.ends_on == datetime.date(2027, 3, 3)
    due = [row["due_on"] for row in selectors.review_schedule(plan)]
    assert due == [datetime.date(2027, 1, 6), datetime.date(2027, 2, 3), datetime.date(2027, 3, 3)]
    event = AuditEvent.objects.filter(
        action="update", object_type="support_plans.Meeting", object_id=str(meeting.pk)
    ).latest("pk")
    assert event.changes["held_on"] == ["2026-12-08", "2026-12-09"]
    assert event.actor == world.head_of_year9
    plan_event = AuditEvent.objects.filter(
        action="update", object_type="support_plans.SupportPlan", object_id=str(plan.pk)
    ).latest("pk")
    assert plan_event.changes["starts_on"] == ["2026-12-08", "2026-12-09"]


def test_it_refuses_a_corrected_date_in_the_future(world, plan):
    """The correction obeys the same rule as recording: the meeting and the schedule are left as they were."""
    _initial(world, plan, datetime.date(2026, 12, 8))
    response = _correct(world.head_of_year9, plan, "2026-12-15")
    assert response.status_code == 200 and "future" in response.content.decode()
    plan.refresh_from_db()
    assert plan.starts_on == plan.meetings.get().held_on == datetime.date(2026, 12, 8)


def test_it_refuses_to_correct_the_date_once_a_review_is_held(world, plan):
    """After the 4-week review the date is fixed: a clear refusal on the page and from the service, no link."""
    _initial(world, plan, OPENED)
    services.meeting_record(
        actor=world.head_of_year9,
        plan=plan,
        kind=Meeting.Kind.REVIEW,
        week=4,
        held_on=OPENED + 4 * W,
        summary="Reviewed.",
        attendees=list(plan.parties.all()),
        today=OPENED + 4 * W,
    )
    response = _correct(world.head_of_year9, plan, "2026-12-08")
    assert response.status_code == 200
    assert "4-week review on 04 Jan 2027 is recorded" in response.content.decode()
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.initial_meeting_correct(
            actor=world.head_of_year9, plan=plan, held_on=datetime.date(2026, 12, 8), today=TODAY
        )
    plan.refresh_from_db()
    assert plan.starts_on == OPENED
    page = client_for(world.head_of_year9).get(reverse("support_plans:plan_detail", args=[plan.pk]))
    assert reverse("support_plans:initial_meeting_date", args=[plan.pk]) not in page.content.decode()


def test_it_moves_the_monitoring_report_card_with_the_corrected_date(world, plan):
    """The card dated from the initial meeting follows it; a score before the new date blocks the correction."""
    _initial(world, plan, OPENED)
    services.monitoring_set(actor=world.head_of_year9, plan=plan, frequency="daily", staff=world.tutor)
    services.initial_meeting_correct(
        actor=world.head_of_year9, plan=plan, held_on=datetime.date(2026, 12, 8), today=TODAY
    )
    card = plan.report_card
    card.refresh_from_db()
    assert (card.starts_on, card.ends_on) == (datetime.date(2026, 12, 8), datetime.date(2026, 12, 8) + 12 * W)
    report_scores_record(
        actor=world.tutor, card=card, date=datetime.date(2026, 12, 9), lesson="P1", scores={0: 2}
    )
    with pytest.raises(ValidationError, match="The report card has scores from 9 December 2026"):
        services.initial_meeting_correct(
            actor=world.head_of_year9, plan=plan, held_on=datetime.date(2026, 12, 10), today=TODAY
        )
    plan.refresh_from_db()
    assert plan.starts_on == datetime.date(2026, 12, 8)


@outsider_test("support_plans:initial_meeting_date")
def test_it_hides_the_correction_page_from_another_school_with_404(world, plan):
    """Another school's user gets 404 and the date is unchanged."""
    _initial(world, plan, OPENED)
    url = reverse("support_plans:initial_meeting_date", args=[plan.pk])
    assert_outsider_404(client_for(world.outsider), url)
    assert_outsider_404(client_for(world.outsider), url, "post", {"held_on": "2026-12-08"})
    plan.refresh_from_db()
    assert plan.starts_on == OPENED


def test_it_refuses_a_head_of_another_year_the_correction_page_with_403(world, plan):
    """A head of year 10 may not correct a year 9 pupil's plan."""
    _initial(world, plan, OPENED)
    assert _correct(world.head_of_year10, plan, "2026-12-08").status_code == 403
    plan.refresh_from_db()
    assert plan.starts_on == OPENED


def test_it_answers_404_to_correct_an_initial_meeting_not_yet_recorded(world, plan):
    """Nothing to correct before the initial meeting: record it instead."""
    url = reverse("support_plans:initial_meeting_date", args=[plan.pk])
    assert client_for(world.head_of_year9).get(url).status_code == 404
