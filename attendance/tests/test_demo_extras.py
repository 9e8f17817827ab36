"""The demo's lesson registers and escalation rules, built after the marks."""

from __future__ import annotations

import pytest

from attendance import selectors
from attendance.demo import build_attendance, build_attendance_extras
from attendance.models import AttendanceMark, EscalationStage, LessonMark, PupilEscalation, Register
from attendance.tests.test_demo import _world

pytestmark = pytest.mark.django_db


def test_it_adds_stage_rules_pupils_at_stage_one_and_lesson_registers_with_truants():
    world = _world()
    build_attendance(world)
    marks_before = AttendanceMark.objects.count()
    build_attendance_extras(world)
    school, today = world.main_school, world.today
    assert AttendanceMark.objects.count() == marks_before  # lesson marks never touch the statutory marks
    rules = dict(
        EscalationStage.objects.filter(organisation=school).values_list("order", "threshold_percent")
    )
    assert rules == {1: 10, 2: 15, 3: 20, 4: None}
    assert PupilEscalation.objects.filter(organisation=school, stage__order=1).exists()
    due = selectors.escalations_due(school, today)
    assert due and {r["stage"].order for r in due} <= {1, 2}
    lessons = Register.objects.filter(organisation=school, date=today).exclude(lesson="")
    assert lessons.count() == 3 and LessonMark.objects.filter(register__in=lessons).count() > 50
    assert selectors.post_registration_truancy(school, today).exists()
