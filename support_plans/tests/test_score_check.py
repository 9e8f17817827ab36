"""The nightly score check: an under-way PSP without report-card scores for too long gets one alert a gap, shown
with the other alerts and closed when scores are next recorded."""

from __future__ import annotations

import datetime
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django_tasks.signals import task_enqueued

from behaviour.services import report_scores_record
from core.testing.calendar import FRIDAY, LAST_DAY_OF_AUTUMN, day, record_terms
from core.testing.personas import client_for
from core.testing.world import shared_world
from organisations.models import Closure
from support_plans import services
from support_plans.models import Alert, PlanSettings, SupportPlan
from support_plans.selectors import open_alerts
from support_plans.tasks import send_alert_email
from support_plans.tests.helpers import started_plan

pytestmark = pytest.mark.django_db

# A fixed Wednesday: every date below is counted from it and handed to the check as `today`.
TODAY = datetime.date(2026, 11, 25)


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


world = shared_world()


def under_way(world, pupil, held_on, actor=None, monitored=False) -> SupportPlan:
    """A plan for `pupil` whose initial meeting was on `held_on` (its start), with a report card when monitored."""
    plan = started_plan(world, held_on=held_on, pupil=pupil, actor=actor)
    if monitored:
        services.monitoring_set(actor=plan.coordinator, plan=plan, frequency="daily", staff=world.tutor)
        plan.refresh_from_db()
    return plan


def score(world, plan, on: datetime.date) -> None:
    report_scores_record(
        actor=world.tutor, card=plan.report_card, date=on, lesson="P1 English", scores={0: 2}
    )


def test_it_alerts_once_on_a_plan_never_scored_since_it_started(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    """Started on Wed 11 Nov and never scored: 9 school days to Tue 24 Nov, one alert saying so, e-mailed."""
    plan = under_way(world, world.alice, days_ago(14), monitored=True)
    enqueued = []
    task_enqueued.connect(
        lambda sender, task_result, **kw: enqueued.append(task_result), weak=False, dispatch_uid="s"
    )
    with django_capture_on_commit_callbacks(execute=True):
        raised = services.missing_scores_check(organisation=world.school, today=TODAY)
    task_enqueued.disconnect(dispatch_uid="s")
    alert = Alert.objects.get(plan=plan)
    assert raised == [alert]
    assert alert.kind == Alert.Kind.NO_SCORES and alert.is_open and alert.gap_starts_on == days_ago(14)
    assert alert.reason == "No scores recorded for 9 school days since the plan started on 11 Nov"
    assert [r.args for r in enqueued if r.task.func is send_alert_email.func] == [[alert.pk]]
    assert send_alert_email.call(alert.pk) is True  # what the worker runs
    mail = mailoutbox[-1]
    assert mail.to == [world.head_of_year9.email] and "no report-card scores" in mail.subject
    assert "since the plan started on 11 Nov" in mail.body and "report card is being filled in" in mail.body
    assert list(open_alerts(world.head_of_year9)) == [alert]


def test_it_names_the_last_score_when_the_plan_was_scored_before(world):
    """Scored on Mon 2 Nov and not since: the alert counts from that score."""
    plan = under_way(world, world.alice, days_ago(30), monitored=True)
    score(world, plan, days_ago(23))
    services.missing_scores_check(organisation=world.school, today=TODAY)
    assert Alert.objects.get(plan=plan).reason == "No scores recorded for 16 school days since 2 Nov"


def test_it_leaves_recently_scored_and_young_plans_alone(world):
    """Scored on Monday, or started five school days ago (the default gap), or on the default gap exactly: no alert."""
    scored = under_way(world, world.alice, days_ago(30), monitored=True)
    score(world, scored, days_ago(2))
    under_way(world, world.ben, days_ago(8))  # Tue 17 Nov: Wed 18 to Tue 24 is 5 school days
    assert services.missing_scores_check(organisation=world.school, today=TODAY) == []
    late = under_way(world, world.cleo, days_ago(9))  # Mon 16 Nov: 6 school days
    assert [a.plan for a in services.missing_scores_check(organisation=world.school, today=TODAY)] == [late]


def test_it_counts_school_days_not_closures_and_uses_the_schools_setting(world):
    """A closure's days are not counted; a school that allows 10 school days is not alerted at 9."""
    plan = under_way(world, world.alice, days_ago(9))  # Mon 16 Nov: 6 school days
    Closure.objects.create(
        organisation=world.school, kind=Closure.Kind.INSET, starts_on=days_ago(5), ends_on=days_ago(5)
    )
    assert services.missing_scores_check(organisation=world.school, today=TODAY) == []
    PlanSettings.objects.create(organisation=world.school, scores_gap_school_days=10)
    assert (
        services.missing_scores_check(organisation=world.school, today=TODAY + datetime.timedelta(days=7))
        == []
    )
    assert [
        a.plan
        for a in services.missing_scores_check(
            organisation=world.school, today=TODAY + datetime.timedelta(days=8)
        )
    ] == [plan]


def test_it_knows_the_closures_even_when_attendance_is_not_there(world, monkeypatch):
    """The calendar is the foundation's (organisations/calendar.py): without attendance a closure still counts."""
    under_way(world, world.alice, days_ago(9))  # Mon 16 Nov: 6 weekdays, one of them closed
    Closure.objects.create(
        organisation=world.school, kind=Closure.Kind.INSET, starts_on=days_ago(5), ends_on=days_ago(5)
    )
    monkeypatch.setitem(sys.modules, "attendance.selectors", None)  # the import fails, as if not installed
    assert services.missing_scores_check(organisation=world.school, today=TODAY) == []


def test_it_counts_no_day_of_the_holiday_between_terms(world):
    """Scored on the last day of autumn term: no alert after four days of spring, one after six (Tue 12 Jan)."""
    record_terms(world.school)
    plan = under_way(world, world.alice, day(12), monitored=True)  # Monday 30 November
    score(world, plan, LAST_DAY_OF_AUTUMN)
    assert services.missing_scores_check(organisation=world.school, today=day(17, FRIDAY)) == []
    assert [a.reason for a in services.missing_scores_check(organisation=world.school, today=day(18, 1))] == [
        "No scores recorded for 6 school days since 18 Dec"
    ]


def test_it_skips_closed_finished_and_unstarted_plans(world):
    """Closed, past its end (final meeting due), or still gathering the pack: no alert."""
    closed = under_way(world, world.alice, days_ago(30))
    SupportPlan.objects.filter(pk=closed.pk).update(status=SupportPlan.Status.CLOSED, outcome="successful")
    under_way(world, world.ben, days_ago(7 * 13))  # 12 weeks ran out a week ago
    services.plan_open(
        actor=world.head_of_year9,
        pupil=world.cleo,
        coordinator=world.head_of_year9,
        reason="Fighting at break.",
    )
    assert services.missing_scores_check(organisation=world.school, today=TODAY) == []
    assert not Alert.objects.exists()


def test_it_raises_one_alert_however_often_it_runs(world):
    """Run twice (and the next night): still one alert for the one gap."""
    plan = under_way(world, world.alice, days_ago(14))
    assert len(services.missing_scores_check(organisation=world.school, today=TODAY)) == 1
    assert services.missing_scores_check(organisation=world.school, today=TODAY) == []
    assert (
        services.missing_scores_check(organisation=world.school, today=TODAY + datetime.timedelta(days=1))
        == []
    )
    assert Alert.objects.filter(plan=plan).count() == 1


def test_it_writes_nothing_on_a_dry_run_and_raises_with_apply(world, capsys):
    """The command lists per school what it would raise; only --apply writes."""
    under_way(world, world.alice, days_ago(14))
    call_command("plan_score_check", "--date", TODAY.isoformat())
    out = capsys.readouterr().out
    assert not Alert.objects.exists()
    assert "Oakfield School: 1 plan(s) without scores for too long; 1 alert(s) to raise (dry run" in out
    assert "Riverside School" not in out
    call_command("plan_score_check", "--date", TODAY.isoformat(), "--apply")
    assert Alert.objects.count() == 1
    assert "1 alert(s) raised, 0 already alerted" in capsys.readouterr().out
    call_command("plan_score_check", "--date", TODAY.isoformat(), "--apply")
    assert Alert.objects.count() == 1
    assert "0 alert(s) raised, 1 already alerted" in capsys.readouterr().out


def test_it_resolves_the_alert_when_scores_are_recorded_and_alerts_again_on_a_new_gap(world):
    """A score closes the alert (by whoever scored); the same gap is not alerted again, a later one is."""
    plan = under_way(world, world.alice, days_ago(14), monitored=True)
    (alert,) = services.missing_scores_check(organisation=world.school, today=TODAY)
    score(world, plan, days_ago(1))
    alert.refresh_from_db()
    assert not alert.is_open and alert.resolved_by == world.tutor
    assert alert.resolution == "Scores recorded for 24 Nov 2026."
    assert alert.parents_contacted_on is None
    assert services.missing_scores_check(organisation=world.school, today=TODAY) == []
    (again,) = services.missing_scores_check(
        organisation=world.school, today=TODAY + datetime.timedelta(days=9)
    )
    assert again.gap_starts_on == days_ago(1) and again.reason.endswith("since 24 Nov")
    assert Alert.objects.filter(plan=plan).count() == 2


def test_it_shows_the_alert_where_the_others_are_and_points_to_the_report_card(world):
    """The alert list and the plan page show it; it is closed by scores, not by recording a parents' conversation."""
    plan = under_way(world, world.alice, days_ago(14), monitored=True)
    (alert,) = services.missing_scores_check(organisation=world.school, today=TODAY)
    client = client_for(world.head_of_year9)
    listing = client.get(reverse("support_plans:alert_list")).content.decode()
    assert alert.reason in listing and reverse("support_plans:plan_detail", args=[plan.pk]) in listing
    page = client.get(reverse("support_plans:plan_detail", args=[plan.pk])).content.decode()
    assert "No scores recorded: get the report card filled in" in page
    assert reverse("behaviour:card_detail", args=[plan.report_card_id]) in page
    response = client.get(reverse("support_plans:alert_resolve", args=[alert.pk]))
    assert response.status_code == 302 and response.url == reverse(
        "support_plans:plan_detail", args=[plan.pk]
    )
    with pytest.raises(ValidationError):
        services.alert_resolve(actor=world.head_of_year9, alert=alert, contacted_on=TODAY, resolution="Spoke")


def test_it_keeps_each_school_to_its_own_plans(world):
    """Checking one school alerts only its plans; another school's staff never see the alert."""
    mine = under_way(world, world.alice, days_ago(14))
    theirs = under_way(world, world.rory, days_ago(14), actor=world.outsider)
    assert [a.plan for a in services.missing_scores_check(organisation=world.school, today=TODAY)] == [mine]
    assert not Alert.objects.filter(plan=theirs).exists()
    assert not open_alerts(world.outsider).exists()
    (their_alert,) = services.missing_scores_check(organisation=world.other_school, today=TODAY)
    assert their_alert.plan == theirs and their_alert.organisation_id == world.other_school.pk
    assert list(open_alerts(world.head_of_year9)) == [Alert.objects.get(plan=mine)]
