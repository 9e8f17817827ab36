"""Automatic escalation: the entry rules worked by hand, one stage at a time in order; the office's
"record these" screen, the nightly command and task."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from attendance import selectors, services
from attendance.models import AttendanceSettings, EscalationStage, LetterTemplate, PupilEscalation
from attendance.tasks import escalate_due
from attendance.tests.helpers import MONDAY, marks
from audit.models import AuditEvent
from core.testing.calendar import LAST_DAY_OF_AUTUMN, SPRING_STARTS, record_terms
from core.testing.clock import fixed_clock
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from organisations.models import Closure

pytestmark = pytest.mark.django_db

# Marks start on Monday 5 October 2026 (this academic year began 1 September); "today" is a month later.
TODAY = datetime.date(2026, 11, 6)  # a Friday


def _build_world():
    w = build_school_world()
    letter = LetterTemplate.objects.create(organisation=w.school, name="Concern", body="Dear $contact_name")
    w.stage1 = EscalationStage.objects.create(
        organisation=w.school,
        order=1,
        name="Letter",
        letter_template=letter,
        threshold_percent=10,
        min_possible_sessions=20,
    )
    w.stage2 = EscalationStage.objects.create(
        organisation=w.school,
        order=2,
        name="Meeting",
        threshold_percent=20,
        min_possible_sessions=20,
        min_school_days_since_previous=5,
    )
    w.stage3 = EscalationStage.objects.create(organisation=w.school, order=3, name="Plan")  # by hand only
    w.stage4 = EscalationStage.objects.create(
        organisation=w.school, order=4, name="Referral", threshold_percent=10, min_possible_sessions=1
    )
    return w


world = shared_world(_build_world)


def _due(world, today=TODAY):
    return {
        (r["pupil"].legal_first_name, r["stage"].order)
        for r in selectors.escalations_due(world.school, today)
    }


def _reach(world, pupil, stage, on):
    return PupilEscalation.objects.create(organisation=world.school, pupil=pupil, stage=stage, started_on=on)


def test_it_makes_a_pupil_due_exactly_at_the_threshold_and_not_just_below(world):
    marks(world.alice, ["N"] * 2 + ["/"] * 18)  # 2 of 20 = exactly 10 %
    marks(world.ben, ["I"] * 2 + ["/"] * 19)  # 2 of 21 = 9.5 %
    assert _due(world) == {("Alice", 1)}


def test_it_waits_for_the_minimum_possible_sessions(world):
    marks(world.alice, ["N"] * 10 + ["/"] * 9)  # 10 of 19 possible: 53 %, but only 19 sessions
    marks(world.ben, ["N"] * 10 + ["/"] * 9 + ["X", "Z"])  # X and Z are not possible sessions: still 19
    assert _due(world) == set()
    marks(world.alice, ["/"], start=MONDAY + datetime.timedelta(days=14))  # the 20th possible session
    assert _due(world) == {("Alice", 1)}


def test_it_moves_a_pupil_one_stage_at_a_time_in_order(world):
    marks(world.alice, ["N"] * 10 + ["/"] * 10)  # 50 %: meets stages 1, 2 and 4
    assert _due(world) == {("Alice", 1)}  # never straight to stage 2
    _reach(world, world.alice, world.stage1, datetime.date(2026, 10, 1))
    assert _due(world) == {("Alice", 2)}
    _reach(world, world.alice, world.stage2, datetime.date(2026, 10, 2))
    # Stage 3 has no entry rule: recorded by hand, and the pupil is not skipped on to stage 4.
    assert _due(world) == set()
    _reach(world, world.alice, world.stage3, datetime.date(2026, 10, 5))
    assert _due(world) == {("Alice", 4)}
    _reach(world, world.alice, world.stage4, datetime.date(2026, 10, 6))
    assert _due(world) == set()  # no stage after the last


def test_it_holds_the_next_stage_until_enough_school_days_after_the_previous(world):
    marks(world.alice, ["N"] * 10 + ["/"] * 10)
    _reach(world, world.alice, world.stage1, datetime.date(2026, 10, 26))  # a Monday
    # Tue 27 to Fri 30 is 4 school days; Mon 2 November is the 5th.
    assert _due(world, datetime.date(2026, 10, 30)) == set()
    assert _due(world, datetime.date(2026, 11, 1)) == set()  # Sunday: still 4
    assert _due(world, datetime.date(2026, 11, 2)) == {("Alice", 2)}
    # A whole-school closure day is not a school day.
    Closure.objects.create(
        organisation=world.school,
        kind="inset",
        starts_on=datetime.date(2026, 10, 28),
        ends_on=datetime.date(2026, 10, 28),
    )
    assert _due(world, datetime.date(2026, 11, 2)) == set()
    assert _due(world, datetime.date(2026, 11, 3)) == {("Alice", 2)}


def test_it_counts_the_school_days_since_the_previous_stage_in_term_only(world):
    """Stage 1 on the last day of autumn term: stage 2 waits for 5 school days of spring, not the holiday's."""
    record_terms(world.school)
    marks(world.alice, ["N"] * 10 + ["/"] * 10)
    _reach(world, world.alice, world.stage1, LAST_DAY_OF_AUTUMN)
    assert _due(world, SPRING_STARTS + datetime.timedelta(days=3)) == set()  # Thursday: 4 school days
    assert _due(world, SPRING_STARTS + datetime.timedelta(days=4)) == {("Alice", 2)}  # Friday: the 5th


def test_it_starts_each_academic_year_at_the_first_stage(world):
    marks(world.alice, ["N"] * 10 + ["/"] * 10)
    _reach(world, world.alice, world.stage1, datetime.date(2026, 6, 1))  # last academic year
    _reach(world, world.alice, world.stage2, datetime.date(2026, 6, 20))
    assert _due(world) == {("Alice", 1)}


def test_it_leaves_out_pupils_who_have_left_and_schools_without_rules(world):
    marks(world.alice, ["N"] * 10 + ["/"] * 10)
    world.alice.left_on = datetime.date(2026, 10, 30)
    world.alice.save()
    assert _due(world) == set()
    EscalationStage.objects.filter(organisation=world.school).update(threshold_percent=None)
    marks(world.ben, ["N"] * 20)
    assert _due(world) == set()


def test_it_records_due_stages_in_one_go_and_only_for_pupils_still_due(world):
    marks(world.alice, ["N"] * 10 + ["/"] * 10)
    marks(world.ben, ["/"] * 20)
    created = services.record_due_escalations(
        actor=world.attendance_officer,
        organisation=world.school,
        pupil_ids=[world.alice.pk, world.ben.pk],
        today=TODAY,
    )
    assert [(e.pupil, e.stage, e.started_on) for e in created] == [(world.alice, world.stage1, TODAY)]
    assert "50.0%" in created[0].note
    # Confirming the same list again records nothing twice.
    assert (
        services.record_due_escalations(
            actor=world.attendance_officer, organisation=world.school, pupil_ids=[world.alice.pk], today=TODAY
        )
        == []
    )
    assert PupilEscalation.objects.count() == 1
    summary = AuditEvent.objects.get(object_type="attendance.PupilEscalation", note__contains="recorded for")
    assert summary.actor == world.attendance_officer and "1 pupil" in summary.note


def test_it_lists_who_is_due_and_records_the_ticked_pupils_with_a_letter_link(world, monkeypatch):
    # The page reads today itself: a fixed day a month into the year, so twenty school days fit before it.
    today = fixed_clock(monkeypatch, datetime.datetime.combine(TODAY, datetime.time(10), tzinfo=datetime.UTC))
    start = selectors.academic_year_start(today)
    first_monday = start + datetime.timedelta(days=(7 - start.weekday()) % 7)
    marks(world.alice, ["N"] * 10 + ["/"] * 10, start=first_monday)
    marks(world.ben, ["O"] * 10 + ["/"] * 10, start=first_monday)
    client = client_for(world.attendance_officer)
    page = client.get(reverse("attendance:escalations_due")).content.decode()
    assert "2 pupils due for their next stage" in page and "Record Letter for Alice Archer" in page
    response = client.post(
        reverse("attendance:escalations_due"), {"pupil": [str(world.alice.pk)]}, follow=True
    )
    body = response.content.decode()
    assert "1 escalation stage(s) recorded." in body
    assert (
        reverse("attendance:letter", args=[world.alice.pk]) + f"?template={world.stage1.letter_template_id}"
        in body
    )
    assert list(PupilEscalation.objects.values_list("pupil_id", "stage_id")) == [
        (world.alice.pk, world.stage1.pk)
    ]
    assert "1 pupil due for their next stage" in body  # Ben is still listed
    nothing = client.post(reverse("attendance:escalations_due"), {}, follow=True).content.decode()
    assert "Choose at least one pupil" in nothing


def test_it_preselects_the_stage_letter_on_the_letter_form(world):
    url = reverse("attendance:letter", args=[world.alice.pk]) + f"?template={world.stage1.letter_template_id}"
    body = client_for(world.attendance_officer).get(url).content.decode()
    assert f'<option value="{world.stage1.letter_template_id}" selected>' in body


def test_it_refuses_the_due_list_to_a_tutor_with_403(world):
    client = client_for(world.tutor)
    assert client.get(reverse("attendance:escalations_due")).status_code == 403
    assert client.post(reverse("attendance:escalations_due"), {"pupil": [world.alice.pk]}).status_code == 403


def test_it_saves_a_stages_entry_rule_from_settings(world):
    client = client_for(world.attendance_officer)
    url = reverse("attendance:edit_stage", args=[world.stage3.pk])
    assert "Entry rule" in client.get(reverse("attendance:settings")).content.decode()
    bad = client.post(
        url,
        {
            "name": "Plan",
            "threshold_percent": "150",
            "min_possible_sessions": "20",
            "min_school_days_since_previous": "0",
        },
    )
    assert bad.status_code == 200 and "less than or equal to 100" in bad.content.decode()
    response = client.post(
        url,
        {
            "name": "Plan",
            "threshold_percent": "30",
            "min_possible_sessions": "40",
            "min_school_days_since_previous": "15",
        },
    )
    assert response.status_code == 302
    world.stage3.refresh_from_db()
    assert (
        world.stage3.threshold_percent,
        world.stage3.min_possible_sessions,
        world.stage3.min_school_days_since_previous,
    ) == (30, 40, 15)


def test_it_refuses_editing_a_stage_to_a_tutor_with_403(world):
    response = client_for(world.tutor).get(reverse("attendance:edit_stage", args=[world.stage1.pk]))
    assert response.status_code == 403


@outsider_test("attendance:edit_stage")
def test_it_hides_a_stage_from_another_school(world):
    client = client_for(world.outsider)
    url = reverse("attendance:edit_stage", args=[world.stage1.pk])
    assert_outsider_404(client, url)
    assert_outsider_404(client, url, method="post", data={"name": "x", "threshold_percent": "1"})
    world.stage1.refresh_from_db()
    assert world.stage1.name == "Letter"


def test_it_records_automatically_only_for_schools_that_switched_it_on(world):
    marks(world.alice, ["N"] * 10 + ["/"] * 10)
    out = StringIO()
    call_command("attendance_escalate", "--date", TODAY.isoformat(), stdout=out)
    assert not PupilEscalation.objects.exists()
    AttendanceSettings.objects.create(organisation=world.school, escalate_automatically=True)
    call_command("attendance_escalate", "--date", TODAY.isoformat(), "--dry-run", stdout=out)
    assert (
        "Oakfield School: 1 pupil(s) due (dry run" in out.getvalue() and not PupilEscalation.objects.exists()
    )
    call_command("attendance_escalate", "--date", TODAY.isoformat(), stdout=out)
    entry = PupilEscalation.objects.get()
    assert (entry.pupil, entry.stage, entry.recorded_by) == (world.alice, world.stage1, None)
    assert entry.note == services.AUTOMATIC_NOTE and "1 escalation(s) recorded" in out.getvalue()
    # The next night Alice is at stage 1; stage 2 waits 5 school days.
    assert escalate_due.enqueue(datetime.date(2026, 11, 9).isoformat()).return_value == 0
    assert escalate_due.enqueue(datetime.date(2026, 11, 13).isoformat()).return_value == 1
    assert list(PupilEscalation.objects.order_by("stage__order").values_list("stage__order", flat=True)) == [
        1,
        2,
    ]
