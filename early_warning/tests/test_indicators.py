"""Each indicator on a built case, hand-computed, including the cases exactly at a threshold."""

from __future__ import annotations

import datetime

import pytest

from core.testing.factories import OrganisationFactory, PupilFactory, UserFactory
from early_warning.models import StudentFactor
from early_warning.registry import defaults
from early_warning.selectors import evaluate
from early_warning.tests.helpers import AT, ON, grades, incident, sessions, suspension

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return OrganisationFactory(name="Oakfield School", slug="oakfield")


def _on(school, key: str, values=None) -> dict[int, str]:
    """pupil id -> evidence for one indicator."""
    found = evaluate(school, ON, values or defaults())
    return {pid: line.evidence for pid, lines in found.items() for line in lines if line.key == key}


def test_it_flags_attendance_below_90_but_not_exactly_90(school):
    """18 of 20 sessions is exactly 90.0%: not below. 17 of 20 is 85.0%: below."""
    at, below = PupilFactory(organisation=school), PupilFactory(organisation=school)
    sessions(at, datetime.date(2026, 11, 16), ["/"] * 18 + ["I", "I"])
    sessions(below, datetime.date(2026, 11, 16), ["/"] * 17 + ["I", "I", "O"])
    assert _on(school, "attendance_low") == {below.pk: "attendance 85.0% this year (below 90.0%)"}


def test_it_flags_attendance_falling_by_exactly_5_points_in_4_weeks(school):
    """100% (20/20) on 30 October, then 38/40 = 95.0% now: down 5.0 points, on. 39/40 = 97.5%: down 2.5, off."""
    falling, steady = PupilFactory(organisation=school), PupilFactory(organisation=school)
    for pupil, later in ((falling, ["/"] * 18 + ["I", "I"]), (steady, ["/"] * 19 + ["I"])):
        sessions(pupil, datetime.date(2026, 10, 19), ["/"] * 20)
        sessions(pupil, datetime.date(2026, 11, 16), later)
    assert _on(school, "attendance_falling") == {falling.pk: "attendance 95.0%, down 5.0 points in 4 weeks"}


def test_it_flags_persistent_at_exactly_10_and_severe_at_exactly_50_percent(school):
    ten, nine, fifty, forty_five = (PupilFactory(organisation=school) for _ in range(4))
    start = datetime.date(2026, 11, 16)
    sessions(ten, start, ["/"] * 18 + ["I"] * 2)
    sessions(nine, start, ["/"] * 37 + ["I"] * 3)  # 7.5%
    sessions(fifty, start, ["/"] * 10 + ["I"] * 10)
    sessions(forty_five, start, ["/"] * 11 + ["I"] * 9)
    persistent = _on(school, "persistent_absence")
    assert set(persistent) == {ten.pk, fifty.pk, forty_five.pk}
    assert persistent[ten.pk] == "absent 2 of 20 sessions this year (10.0%, 10% or more)"
    assert _on(school, "severe_absence") == {
        fifty.pk: "absent 10 of 20 sessions this year (50.0%, 50% or more)"
    }


def test_it_counts_unexplained_absences_in_the_last_28_days_only(school):
    """3 N/O sessions in the window: on. 2 in it and 1 on 30 October (28 days before 27 November): off."""
    three, two = PupilFactory(organisation=school), PupilFactory(organisation=school)
    sessions(three, datetime.date(2026, 11, 23), ["N", "O", "N", "/"])
    sessions(two, datetime.date(2026, 10, 30), ["N", "/"])
    sessions(two, datetime.date(2026, 11, 23), ["N", "O"])
    assert _on(school, "unexplained") == {
        three.pk: "3 unexplained absences (N or O) in the last 28 days (3 or more)"
    }


def test_it_flags_lateness_at_5_times_not_4(school):
    five, four = PupilFactory(organisation=school), PupilFactory(organisation=school)
    sessions(five, datetime.date(2026, 11, 16), ["L", "/", "L", "/", "U", "/", "L", "/", "L", "/"])
    sessions(four, datetime.date(2026, 11, 16), ["L", "/", "L", "/", "L", "/", "L", "/"])
    assert _on(school, "lateness") == {five.pk: "late 5 times (L or U) in the last 28 days (5 or more)"}


def test_it_weights_incidents_by_severity_and_doubles_the_last_14_days(school):
    """2×2 (3 days ago) + 4×1 (20 days ago) = 8: on, exactly at 8. 3×2 (13 days) + 1×1 (14 days) = 7: off.
    Positive entries and incidents 42 or more days ago count nothing."""
    staff = UserFactory()
    eight, seven = PupilFactory(organisation=school), PupilFactory(organisation=school)
    incident(eight, days_ago=3, severity=2, recorded_by=staff)
    incident(eight, days_ago=20, severity=4, recorded_by=staff)
    incident(seven, days_ago=13, severity=3, recorded_by=staff)
    incident(seven, days_ago=14, severity=1, recorded_by=staff)
    incident(seven, days_ago=42, severity=5, recorded_by=staff)
    incident(seven, days_ago=1, severity=5, recorded_by=staff, kind="positive")
    assert _on(school, "behaviour") == {
        eight.pk: "2 negative incidents in 42 days, weighted 8 (severity, doubled in the last 14 days; 8 or more)"
    }


def test_it_flags_a_suspension_in_the_last_90_days(school):
    head = UserFactory()
    recent, old, withdrawn = (PupilFactory(organisation=school) for _ in range(3))
    suspension(recent, ON - datetime.timedelta(days=89), head)
    suspension(old, ON - datetime.timedelta(days=90), head)
    suspension(withdrawn, ON - datetime.timedelta(days=5), head, withdrawn_at=AT)
    assert _on(school, "suspension") == {recent.pk: "suspension from 30 Aug 2026 (in the last 90 days)"}


def test_it_flags_below_target_in_two_courses_and_falling_grades(school):
    two, one = PupilFactory(organisation=school), PupilFactory(organisation=school)
    grades(two, {"MA": [0, -1], "EN": [-1, -1], "SC": [1, 1]})
    grades(one, {"MA": [0, 0], "EN": [0, -2]})
    assert _on(school, "below_target") == {two.pk: "below target in 2 of 3 courses at Autumn 2 (2 or more)"}
    falling = _on(school, "falling_grades")
    assert falling == {
        two.pk: "working-at grade fell in 1 course since the point before Autumn 2",
        one.pk: "working-at grade fell in 1 course since the point before Autumn 2",
    }


def test_it_reads_only_assessment_points_already_held_on_the_day(school):
    pupil = PupilFactory(organisation=school)
    grades(pupil, {"MA": [-1, -1], "EN": [-1, -1]})
    early = evaluate(school, datetime.date(2026, 10, 15), defaults())
    assert pupil.pk not in early


def test_it_flags_an_open_and_an_unsuccessful_support_plan(school):
    from support_plans.models import SupportPlan

    staff = UserFactory()
    open_, failed, succeeded = (PupilFactory(organisation=school) for _ in range(3))
    SupportPlan.objects.create(organisation=school, pupil=open_, coordinator=staff, opened_on=ON, reason="x")
    for pupil, outcome in ((failed, "unsuccessful"), (succeeded, "successful")):
        SupportPlan.objects.create(
            organisation=school,
            pupil=pupil,
            coordinator=staff,
            opened_on=datetime.date(2026, 9, 7),
            reason="x",
            status="closed",
            outcome=outcome,
            closed_on=datetime.date(2026, 11, 20),
        )
    assert _on(school, "psp_active") == {open_.pk: "a Pastoral Support Programme is open"}
    assert _on(school, "psp_failed") == {
        failed.pk: "a Pastoral Support Programme closed unsuccessful on 20 Nov 2026"
    }


def test_it_flags_circumstances(school):
    from safeguarding.models import ProtectionStatus

    staff = UserFactory()
    sen, plan, pp, carer, lac, cp, ended = (PupilFactory(organisation=school) for _ in range(7))
    sen.sen_status, plan.sen_status = "K", "E"
    sen.save(), plan.save()
    StudentFactor.objects.create(organisation=school, pupil=pp, pupil_premium=True, free_school_meals=True)
    StudentFactor.objects.create(organisation=school, pupil=carer, young_carer=True)
    for pupil, status, day in (
        (lac, "lac", datetime.date(2026, 9, 1)),
        (cp, "cp_plan", datetime.date(2026, 10, 1)),
        (ended, "cp_plan", datetime.date(2026, 9, 1)),
        (ended, "none", datetime.date(2026, 11, 1)),
    ):
        ProtectionStatus.objects.create(
            organisation=school, pupil=pupil, status=status, starts_on=day, recorded_by=staff
        )
    assert _on(school, "sen_support") == {sen.pk: "SEN support"}
    assert _on(school, "ehcp") == {plan.pk: "education, health and care plan"}
    assert _on(school, "disadvantaged") == {pp.pk: "pupil premium and free school meals"}
    assert _on(school, "young_carer") == {carer.pk: "young carer"}
    assert _on(school, "looked_after") == {lac.pk: "looked after child"}
    assert _on(school, "child_protection") == {cp.pk: "child protection plan"}


def test_it_leaves_out_a_switched_off_indicator_and_pupils_who_have_left(school):
    pupil = PupilFactory(organisation=school, sen_status="K")
    gone = PupilFactory(organisation=school, sen_status="K", left_on=datetime.date(2026, 11, 1))
    assert set(_on(school, "sen_support")) == {pupil.pk}
    assert gone.pk not in _on(school, "sen_support")
    assert _on(school, "sen_support", {**defaults(), "sen_support.on": False}) == {}


def test_an_unsuccessful_plan_counts_for_365_days_from_its_closing(school):
    """Closed unsuccessful 364 days before the day: on. Exactly 365 days before: outside the window, off."""
    from support_plans.models import SupportPlan

    staff = UserFactory()
    inside, outside = PupilFactory(organisation=school), PupilFactory(organisation=school)
    for pupil, days in ((inside, 364), (outside, 365)):
        SupportPlan.objects.create(
            organisation=school,
            pupil=pupil,
            coordinator=staff,
            opened_on=ON - datetime.timedelta(days=days + 60),
            reason="x",
            status="closed",
            outcome="unsuccessful",
            closed_on=ON - datetime.timedelta(days=days),
        )
    assert set(_on(school, "psp_failed")) == {inside.pk}


def test_schools_evaluated_together_give_each_school_the_same_lines_as_alone(school):
    """A group of schools' list evaluates schools with the same settings in one pass: the lines are the same."""
    other = OrganisationFactory(name="Ashby School", slug="ashby")
    here, there = PupilFactory(organisation=school), PupilFactory(organisation=other, sen_status="E")
    sessions(here, datetime.date(2026, 11, 16), ["/"] * 17 + ["I", "I", "O"])
    sessions(there, datetime.date(2026, 11, 16), ["/"] * 10 + ["N"] * 10)
    together = evaluate(school, ON, defaults(), [other])
    assert together == {**evaluate(school, ON, defaults()), **evaluate(other, ON, defaults())}
    assert {line.key for line in together[there.pk]} >= {"attendance_low", "severe_absence", "ehcp"}
