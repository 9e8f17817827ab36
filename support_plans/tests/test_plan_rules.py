"""The rules of a Pastoral Support Programme: SMART targets, revisions, signatures, reviews and closing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.testing.world import shared_world
from support_plans import selectors, services
from support_plans.models import Party, PlanSettings, Signature, SupportPlan, TargetRevision
from support_plans.tests.helpers import open_plan, smart, started_plan

pytestmark = pytest.mark.django_db


world = shared_world()


def test_it_opens_a_plan_with_the_pupil_parents_coordinator_and_senco_as_parties(world):
    plan = open_plan(world)
    kinds = sorted(plan.parties.values_list("kind", flat=True))
    assert kinds == ["parent", "pupil", "senco", "staff"]
    assert plan.length_weeks == 12 and plan.review_points == [4, 8]


def test_it_refuses_a_second_open_plan_for_the_same_pupil(world):
    open_plan(world)
    with pytest.raises(ValidationError, match="already has an open"):
        open_plan(world)


def test_it_takes_length_and_review_points_from_the_school_settings(world):
    PlanSettings.objects.create(organisation=world.school, length_weeks=16, review_weeks="8")
    plan = open_plan(world)
    assert plan.length_weeks == 16 and plan.review_points == [8]


@pytest.mark.parametrize(
    "missing, named",
    [
        ("specific", "specific"),
        ("measure", "measurable — give the measure"),
        ("baseline", "baseline"),
        ("achievable", "achievable"),
        ("result", "results-focused"),
        ("due_on", "time-bound"),
    ],
)
def test_it_refuses_a_target_missing_a_smart_element_and_names_it(world, missing, named):
    plan = open_plan(world)
    with pytest.raises(ValidationError) as excinfo:
        services.target_add(
            actor=world.head_of_year9, plan=plan, **smart(**{missing: "" if missing != "due_on" else None})
        )
    assert named in str(excinfo.value)
    assert not plan.targets.exists()


def test_it_keeps_every_revision_of_a_target(world):
    plan = open_plan(world)
    target = services.target_add(actor=world.head_of_year9, plan=plan, **smart())
    services.target_revise(
        actor=world.head_of_year9,
        target=target,
        baseline="1 walk-out a week",
        specific="Stay in every lesson and start work within 5 minutes",
        reason="Made harder at 4 weeks",
    )
    revisions = list(TargetRevision.objects.filter(target=target).order_by("version"))
    assert [r.version for r in revisions] == [1, 2]
    assert revisions[0].specific == "Stay in every lesson without walking out"
    assert revisions[1].baseline == "1 walk-out a week" and revisions[1].measure == revisions[0].measure
    assert target.current.version == 2


def test_it_refuses_a_revision_without_a_reason_or_without_a_change(world):
    plan = open_plan(world)
    target = services.target_add(actor=world.head_of_year9, plan=plan, **smart())
    with pytest.raises(ValidationError, match="why"):
        services.target_revise(actor=world.head_of_year9, target=target, baseline="2", reason="")
    with pytest.raises(ValidationError, match="Nothing has changed"):
        services.target_revise(actor=world.head_of_year9, target=target, reason="no change")


def test_it_needs_a_target_before_the_initial_meeting_and_the_initial_before_a_review(world):
    plan = open_plan(world)
    parties = list(plan.parties.all())
    with pytest.raises(ValidationError, match="Record the initial meeting first"):
        services.meeting_record(
            actor=world.head_of_year9,
            plan=plan,
            kind="review",
            week=4,
            held_on=timezone.localdate(),
            summary="x",
            attendees=parties,
        )
    with pytest.raises(ValidationError, match="SMART target"):
        services.meeting_record(
            actor=world.head_of_year9,
            plan=plan,
            kind="initial",
            held_on=timezone.localdate(),
            summary="x",
            attendees=parties,
        )


def test_it_schedules_reviews_from_the_initial_meeting_and_flags_overdue_ones(world):
    plan = started_plan(world, held_on=timezone.localdate() - datetime.timedelta(weeks=5))
    schedule = selectors.review_schedule(plan)
    assert [r["label"] for r in schedule] == ["4-week review", "8-week review", "12-week final meeting"]
    assert schedule[0]["overdue"] and not schedule[1]["overdue"]
    due = selectors.meetings_due(world.senior)
    assert [r["plan"] for r in due["overdue"]] == [plan]


def test_it_records_signatures_on_the_targets_as_they_stand(world):
    plan = started_plan(world)
    mother = plan.parties.get(kind=Party.Kind.PARENT)
    services.sign_targets(
        plan=plan,
        party=mother,
        signed_name="Mary Archer",
        method=Signature.Method.ON_SCREEN,
        witnessed_by=world.head_of_year9,
    )
    with pytest.raises(ValidationError, match="already signed"):
        services.sign_targets(
            plan=plan, party=mother, signed_name="Mary Archer", method=Signature.Method.ON_SCREEN
        )
    status = {row["party"].pk: row["signature"] for row in selectors.signature_status(plan)}
    assert status[mother.pk] is not None
    # A revision means the new wording needs signing again.
    services.target_revise(
        actor=world.head_of_year9, target=plan.targets.get(), baseline="3", reason="review"
    )
    status = {row["party"].pk: row["signature"] for row in selectors.signature_status(plan)}
    assert status[mother.pk] is None


def test_it_cannot_close_a_plan_without_a_final_meeting_and_evaluation(world):
    plan = started_plan(world)
    with pytest.raises(ValidationError, match="final meeting"):
        services.plan_close(
            actor=world.head_of_year9,
            plan=plan,
            outcome="successful",
            evaluation="Went well",
            continued_monitoring="Weekly check-in",
        )
    services.meeting_record(
        actor=world.head_of_year9,
        plan=plan,
        kind="final",
        held_on=timezone.localdate(),
        summary="Final",
        attendees=list(plan.parties.all()),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.plan_close(actor=world.head_of_year9, plan=plan, outcome="successful", evaluation="  ")
    assert "evaluation" in excinfo.value.message_dict
    plan.refresh_from_db()
    assert plan.status != SupportPlan.Status.CLOSED


def test_it_requires_alternatives_and_the_local_authority_before_closing_unsuccessful(world):
    plan = started_plan(world)
    services.meeting_record(
        actor=world.head_of_year9,
        plan=plan,
        kind="final",
        held_on=timezone.localdate(),
        summary="Final",
        attendees=list(plan.parties.all()),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.plan_close(
            actor=world.head_of_year9, plan=plan, outcome="unsuccessful", evaluation="No change"
        )
    assert {"alternatives_considered", "la_consulted_on"} <= set(excinfo.value.message_dict)
    closed = services.plan_close(
        actor=world.head_of_year9,
        plan=plan,
        outcome="unsuccessful",
        evaluation="No change in behaviour",
        alternatives_considered="Managed move; AP in-reach",
        la_consulted_on=timezone.localdate(),
        la_consultation_notes="Exclusion support advised a managed move first",
    )
    assert closed.status == SupportPlan.Status.CLOSED and closed.evidence["targets_total"] == 1


def test_it_closes_successfully_with_evidence_kept(world):
    plan = started_plan(world)
    target = plan.targets.get()
    services.meeting_record(
        actor=world.head_of_year9,
        plan=plan,
        kind="final",
        held_on=timezone.localdate(),
        summary="Final",
        attendees=list(plan.parties.all()),
        progress={target.pk: ("met", "no walk-outs")},
    )
    closed = services.plan_close(
        actor=world.head_of_year9,
        plan=plan,
        outcome="successful",
        evaluation="All targets met",
        continued_monitoring="Tutor checks in weekly",
    )
    assert closed.evidence["targets_met"] == 1
    assert closed.evidence["during"]["attendance"]["text"] == "attendance not recorded"
    assert selectors.outcomes_by_term(world.senior)["successful"] == [1]


def test_it_compares_attendance_before_and_during_the_plan_from_the_register(world):
    """The evidence reads the attendance app's figures for the weeks before and during the programme."""
    from attendance.models import AttendanceMark

    plan = started_plan(world, held_on=timezone.localdate() - datetime.timedelta(weeks=4))
    before_day = plan.starts_on - datetime.timedelta(days=3)
    during_day = plan.starts_on + datetime.timedelta(days=3)
    for date, am, pm in [(before_day, "/", "O"), (during_day, "/", "\\")]:
        AttendanceMark.objects.create(
            organisation=world.school, pupil=world.alice, date=date, session="AM", code=am
        )
        AttendanceMark.objects.create(
            organisation=world.school, pupil=world.alice, date=date, session="PM", code=pm
        )
    evidence = selectors.plan_evidence(plan)
    assert evidence["before"]["attendance"]["text"] == "50.0%"
    assert evidence["during"]["attendance"]["text"] == "100.0%"


def test_it_records_each_review_point_once(world):
    plan = started_plan(world)
    parties = list(plan.parties.all())
    services.meeting_record(
        actor=world.head_of_year9,
        plan=plan,
        kind="review",
        week=4,
        held_on=timezone.localdate(),
        summary="Going well",
        attendees=parties,
    )
    with pytest.raises(ValidationError, match="4-week review is already recorded"):
        services.meeting_record(
            actor=world.head_of_year9,
            plan=plan,
            kind="review",
            week=4,
            held_on=timezone.localdate(),
            summary="Again",
            attendees=parties,
        )


def test_it_refuses_a_target_to_be_met_before_the_plan_starts(world):
    plan = open_plan(world)
    before = plan.opened_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be met before the plan starts"):
        services.target_add(actor=world.head_of_year9, plan=plan, **smart(due_on=before))
    assert not plan.targets.exists()
    target = services.target_add(actor=world.head_of_year9, plan=plan, **smart(due_on=plan.opened_on))
    with pytest.raises(ValidationError, match="cannot be met before the plan starts"):
        services.target_revise(actor=world.head_of_year9, target=target, due_on=before, reason="Sooner")
