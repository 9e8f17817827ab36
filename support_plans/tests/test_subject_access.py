"""The support plans part of a pupil's subject-access export: every record of every plan, read in a fixed number
of queries however many plans, targets, revisions and meetings the pupil has."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.registry import SUBJECT_ACCESS
from core.testing.world import shared_world
from support_plans import services
from support_plans.models import Meeting, SupportPlan, TargetProgress
from support_plans.tests.helpers import open_plan, smart, started_plan

pytestmark = pytest.mark.django_db

# The plans, then one query each for parties, assessments, questionnaires, links, targets, revisions, meetings,
# their attendees, progress, signatures and alerts; meetings arranged, invitations, home contacts, documents,
# checklist actions and the Communication Passport.
QUERIES = 18


world = shared_world()


def _collect(pupil):
    return SUBJECT_ACCESS["support_plans"](pupil)["support_plans"]


def _review_every_target(world, plan, kind: str, week: int | None = None) -> None:
    services.meeting_record(
        actor=world.head_of_year9,
        plan=plan,
        kind=kind,
        week=week,
        held_on=timezone.localdate(),
        summary="Targets reviewed",
        attendees=list(plan.parties.all()),
        progress={t.pk: (TargetProgress.Progress.MET, "Report card") for t in plan.targets.all()},
    )


def _busy_history(world) -> None:
    """Alice's first plan grows to four targets, revised, reviewed twice and closed; a second plan opens."""
    plan = SupportPlan.objects.get(pupil=world.alice)
    for n in range(3):
        services.target_add(actor=world.head_of_year9, plan=plan, **smart(specific=f"Extra target {n}"))
    for target in plan.targets.all():
        services.target_revise(
            actor=world.head_of_year9, target=target, baseline="3 a week", reason="Lower baseline"
        )
    _review_every_target(world, plan, Meeting.Kind.REVIEW, week=4)
    _review_every_target(world, plan, Meeting.Kind.FINAL)
    services.questionnaire_create(actor=world.head_of_year9, plan=plan, kind="parent", respondent="Mary")
    services.plan_close(
        actor=world.head_of_year9,
        plan=plan,
        outcome=SupportPlan.Outcome.SUCCESSFUL,
        evaluation="Every target met",
        continued_monitoring="Weekly check-in with the tutor",
    )
    second = open_plan(world)
    services.target_add(actor=world.head_of_year9, plan=second, **smart(specific="Arrive on time"))
    services.target_add(actor=world.head_of_year9, plan=second, **smart(specific="Bring equipment"))


def test_it_reads_a_pupils_plans_in_the_same_few_queries_however_much_they_hold(
    world, django_assert_max_num_queries
):
    started_plan(world)
    with CaptureQueriesContext(connection) as small:
        _collect(world.alice)
    _busy_history(world)
    with django_assert_max_num_queries(QUERIES), CaptureQueriesContext(connection) as large:
        exported = _collect(world.alice)
    assert len(large) == len(small)
    assert [len(p["targets"]) for p in exported] == [4, 2]
    first = exported[0]
    assert [len(t["revisions"]) for t in first["targets"]] == [2, 2, 2, 2]
    assert [len(t["progress"]) for t in first["targets"]] == [2, 2, 2, 2]
    assert len(first["meetings"]) == 3 and all(m["attendees"] for m in first["meetings"])
    assert len(first["questionnaires"]) == 1 and first["status"] == "closed"


def test_it_exports_each_record_under_its_own_plan_and_target(world):
    plan = started_plan(world)
    services.target_add(actor=world.head_of_year9, plan=plan, **smart(specific="Arrive on time"))
    services.target_revise(
        actor=world.head_of_year9,
        target=plan.targets.get(number=2),
        specific="Arrive on time every day",
        reason="More challenging",
    )
    mother = plan.parties.get(kind="parent")
    services.sign_targets(plan=plan, party=mother, signed_name="Mary Archer", method="on_screen")
    link, _token = services.link_create(
        actor=world.head_of_year9, plan=plan, purpose="signature", party=mother, days=3
    )
    services.plan_open(
        actor=world.head_of_year9,
        pupil=world.ben,
        coordinator=world.head_of_year9,
        reason="Defiance in lessons.",
    )
    [exported] = _collect(world.alice)
    assert exported["id"] == plan.pk and "pupil" not in exported
    one, two = exported["targets"]
    assert [r["version"] for r in one["revisions"]] == [1]
    assert [r["specific"] for r in two["revisions"]] == ["Arrive on time", "Arrive on time every day"]
    assert {p["name"] for p in exported["parties"]} == set(plan.parties.values_list("name", flat=True))
    assert [s["signed_name"] for s in exported["signatures"]] == ["Mary Archer"]
    assert [row["id"] for row in exported["links"]] == [link.pk]
    assert "token_hash" not in exported["links"][0]
