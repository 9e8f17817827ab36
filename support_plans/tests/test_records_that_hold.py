"""PSP records that cannot say the impossible: a meeting held in the future, out of order, or a review after the
programme's weeks; a typed signature that is not the signatory's name. The printed plan carries the pupil's and the
family's own words and how each party signed; pages a parent opens name the school and the coordinator."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.testing.personas import client_for
from core.testing.world import shared_world
from support_plans import selectors, services
from support_plans.models import Meeting, Party, Questionnaire
from support_plans.selectors import print_context
from support_plans.tests.helpers import started_plan

pytestmark = pytest.mark.django_db

D = datetime.timedelta(days=1)


world = shared_world()


@pytest.fixture
def plan(world):
    """Alice's plan: the initial meeting 12 weeks ago, so its weeks end today."""
    return started_plan(world)


def _review(world, plan, week, held_on, **extra):
    return services.meeting_record(
        actor=world.head_of_year9,
        plan=plan,
        kind=Meeting.Kind.REVIEW,
        week=week,
        held_on=held_on,
        summary="Reviewed.",
        attendees=list(plan.parties.all()),
        **extra,
    )


def test_it_refuses_a_meeting_recorded_on_a_day_still_to_come(world, plan):
    """The clock is the caller's: the 4-week review is refused the day before it and taken on the day."""
    review_day = plan.starts_on + datetime.timedelta(weeks=4)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        _review(world, plan, 4, review_day, today=review_day - D)
    assert _review(world, plan, 4, review_day, today=review_day).held_on == review_day


def test_it_refuses_meetings_out_of_order(world, plan):
    start = plan.starts_on
    _review(world, plan, 8, start + datetime.timedelta(weeks=8))
    with pytest.raises(ValidationError, match="8-week review is already recorded: reviews go in order"):
        _review(world, plan, 4, start + datetime.timedelta(weeks=8, days=1))
    with pytest.raises(ValidationError, match="Meetings are recorded in order"):
        services.meeting_record(
            actor=world.head_of_year9,
            plan=plan,
            kind=Meeting.Kind.FINAL,
            held_on=start + datetime.timedelta(weeks=7),
            summary="Final.",
            attendees=list(plan.parties.all()),
        )


def test_it_refuses_a_review_after_the_programme_ends_but_takes_a_late_final_meeting(world):
    plan = started_plan(world, held_on=timezone.localdate() - datetime.timedelta(weeks=13))
    with pytest.raises(ValidationError, match="record the final meeting instead"):
        _review(world, plan, 8, timezone.localdate())
    final = services.meeting_record(
        actor=world.head_of_year9,
        plan=plan,
        kind=Meeting.Kind.FINAL,
        held_on=timezone.localdate(),
        summary="Final, a week late.",
        attendees=list(plan.parties.all()),
    )
    assert final.pk is not None


def test_it_refuses_the_future_through_the_form_with_the_error_beside_the_date(world, plan):
    target = plan.targets.get()
    response = client_for(world.head_of_year9).post(
        reverse("support_plans:meeting_add", args=[plan.pk, "review"]),
        {
            "kind": "review",
            "week": 4,
            "held_on": (timezone.localdate() + 7 * D).isoformat(),
            "summary": "Held next week?",
            "attendees": [p.pk for p in plan.parties.all()],
            f"progress_{target.pk}": "met",
        },
    )
    assert response.status_code == 200
    assert "cannot be in the future" in str(response.context["form"].errors["held_on"])
    assert not plan.meetings.filter(kind=Meeting.Kind.REVIEW).exists()


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("Mary Archer", True),
        ("mrs mary  archer", True),
        ("Mary Jane Archer", True),
        ("Mary", False),
        ("Zak", False),
        ("M. Archer", False),
    ],
)
def test_it_takes_a_typed_signature_only_in_the_signatorys_full_name(world, plan, typed, accepted):
    mother = plan.parties.get(kind=Party.Kind.PARENT)
    assert mother.name == "Mary Archer"
    sign = {"plan": plan, "party": mother, "signed_name": typed, "method": "on_screen"}
    if accepted:
        assert services.sign_targets(**sign).signed_name == typed.strip()
    else:
        with pytest.raises(ValidationError, match="Mary Archer's full name"):
            services.sign_targets(**sign)


def test_a_pupil_signs_with_their_legal_or_their_known_as_name(world):
    world.alice.preferred_first_name = "Ali"
    world.alice.save()
    plan = started_plan(world)
    pupil = plan.parties.get(kind=Party.Kind.PUPIL)
    with pytest.raises(ValidationError):
        services.sign_targets(plan=plan, party=pupil, signed_name="Zak Archer", method="on_screen")
    services.sign_targets(plan=plan, party=pupil, signed_name="Alice Archer", method="on_screen")
    services.target_revise(actor=world.head_of_year9, target=plan.targets.get(), baseline="3", reason="x")
    services.sign_targets(plan=plan, party=pupil, signed_name="Ali Archer", method="on_screen")


def test_the_printed_plan_carries_the_pupils_and_parents_words_and_how_each_signed(world, plan):
    hoy = world.head_of_year9
    mother = plan.parties.get(kind=Party.Kind.PARENT)
    q = services.questionnaire_create(
        actor=hoy, plan=plan, kind=Questionnaire.Kind.PARENT, respondent="Mary Archer"
    )
    services.questionnaire_submit(
        questionnaire=q,
        answers={"strengths": "Kind to her little brother", "home": "Calm at home"},
        source=Questionnaire.Source.PAPER,
        actor=hoy,
    )
    services.plan_update(actor=hoy, plan=plan, voice_important="My football team")
    services.sign_targets(
        plan=plan, party=mother, signed_name="Mary Archer", method="on_screen", witnessed_by=hoy
    )
    html = render_to_string("support_plans/plan_pdf.html", print_context(plan))
    views = html.split("<h2>The pupil's and the family's views</h2>")[1].split("<h2>Current targets</h2>")[0]
    assert "Kind to her little brother" in views and "My football team" in views
    assert "Signed on screen, witnessed by Hugo Head" in html


def test_the_pages_a_parent_opens_name_the_school_and_the_coordinator(world, plan, client):
    mother = plan.parties.get(kind=Party.Kind.PARENT)
    _link, token = services.link_create(
        actor=world.head_of_year9, plan=plan, purpose="signature", party=mother
    )
    text = re.sub(r"\s+", " ", client.get(reverse("support_plans:link", args=[token])).content.decode())
    assert "From Oakfield School" in text and "coordinated by Hugo Head" in text


def test_a_review_due_in_a_holiday_moves_to_the_next_school_day(world):
    """Initial meeting Wednesday 30 September 2026: the 4-week review falls in half-term (moves to Monday 2
    November), the 8-week one on a school day (stays), the final meeting in the Christmas holiday (moves to the
    first day of the spring term)."""
    from core.testing.calendar import SPRING_STARTS, WEDNESDAY, day, record_terms

    record_terms(world.school)
    plan = started_plan(world, held_on=day(3, WEDNESDAY))
    due = [row["due_on"] for row in selectors.review_schedule(plan)]
    assert due == [day(8), day(11, WEDNESDAY), SPRING_STARTS]
    assert selectors.meetings_due(world.head_of_year9, today=day(8))["this_week"][0]["due_on"] == day(8)
