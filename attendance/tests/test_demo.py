"""The demo builder: a year to date of realistic marks for the main school, fast and deterministic."""

from __future__ import annotations

import datetime
import random
import time

import pytest

from access.roles import Role
from attendance import rollup, selectors
from attendance.demo import build_attendance
from attendance.models import AttendanceMark, EscalationStage, LetterTemplate, Register
from core.testing.factories import (
    AcademicYearFactory,
    GroupFactory,
    GroupMembershipFactory,
    OrganisationFactory,
    PupilFactory,
    RoleFactory,
    UserFactory,
)
from demo.registry import DemoWorld, builders

pytestmark = pytest.mark.django_db


def _world(seed: int = 7) -> DemoWorld:
    school = OrganisationFactory(name="Demo School")
    year = AcademicYearFactory()
    today = datetime.date(2026, 11, 20)
    officer = UserFactory(email="officer@demo.test")
    RoleFactory(organisation=school, user=officer, role=Role.ATTENDANCE_OFFICER)
    for g in range(4):
        group = GroupFactory(organisation=school, name=f"7{'ABCD'[g]}", year_group=7, kind="tutor")
        RoleFactory(organisation=school, user=UserFactory(), role=Role.TUTOR, group=group)
        for _ in range(25):
            GroupMembershipFactory(
                group=group, pupil=PupilFactory(organisation=school, year_group=7), starts_on=year.starts_on
            )
    return DemoWorld(
        rng=random.Random(seed),
        today=today,
        scale=1,
        academic_year=year,
        previous_year=None,
        provider=None,
        university=None,
        schools=[school],
        main_school=school,
        users={"attendance_officer": officer},
    )


def _clear() -> None:
    for model in (AttendanceMark, Register, EscalationStage, LetterTemplate):
        model.objects.all().delete()


def test_it_registers_the_attendance_builder_at_order_40():
    assert ("attendance", 40) in [(name, order) for order, name, _ in builders()]


def test_it_builds_school_day_marks_with_persistent_and_severe_absentees_quickly():
    world = _world()
    t0 = time.perf_counter()
    build_attendance(world)
    assert time.perf_counter() - t0 < 20
    school = world.main_school
    dates = set(AttendanceMark.objects.filter(organisation=school).values_list("date", flat=True))
    assert all(d.weekday() < 5 and world.academic_year.starts_on <= d <= world.today for d in dates)
    assert (
        AttendanceMark.objects.filter(organisation=school).count()
        == world.extra["attendance_marks"]
        > 100 * 2 * 50
    )
    rows = selectors.per_pupil(AttendanceMark.objects.filter(organisation=school))
    assert rollup.differences(organisation_ids=[school.pk]) == []  # the figures' roll-up was built too
    assert any(r["is_persistent"] and not r["is_severe"] for r in rows)
    assert sum(1 for r in rows if r["is_persistent"]) < len(rows) / 2
    # today's morning register is left untaken for some groups, so the officer has work
    assert selectors.registers_not_taken(school, world.today, "AM")
    assert Register.objects.filter(organisation=school, date=world.today, session="AM").exists()
    assert (
        EscalationStage.objects.filter(organisation=school).count() == 4
        and LetterTemplate.objects.filter(organisation=school).count() == 2
    )


def test_it_builds_the_same_marks_from_the_same_seed():
    world = _world(seed=3)
    build_attendance(world)
    first = sorted(AttendanceMark.objects.values_list("pupil_id", "date", "session", "code"))
    _clear()
    world.rng = random.Random(3)
    build_attendance(world)
    second = sorted(AttendanceMark.objects.values_list("pupil_id", "date", "session", "code"))
    assert first == second and {"/", "\\", "I"} <= {c for *_, c in first}


def test_it_gives_a_colleges_courses_marks_and_leaves_the_main_schools_as_they_were():
    """The demo's PAL works at a college: their caseload's courses have a term of marks too, drawn from a stream of
    their own, so the main school's marks (and every later builder's draws) do not change."""
    from organisations.models import Organisation

    world = _world(seed=5)
    build_attendance(world)
    main = sorted(AttendanceMark.objects.values_list("pupil_id", "date", "session", "code"))
    drawn = world.rng.getstate()  # where the later builders start drawing
    _clear()
    college = OrganisationFactory(name="Demo College", kind=Organisation.Kind.COLLEGE, phase="further")
    course = GroupFactory(organisation=college, name="Sport L3 Y1", year_group=12, kind="course")
    RoleFactory(organisation=college, user=UserFactory(), role=Role.TUTOR, group=course)
    for _ in range(20):
        GroupMembershipFactory(
            group=course,
            pupil=PupilFactory(organisation=college, year_group=12),
            starts_on=world.academic_year.starts_on,
        )
    world.schools.append(college)
    world.rng = random.Random(5)
    build_attendance(world)
    school_marks = AttendanceMark.objects.filter(organisation=world.main_school)
    assert sorted(school_marks.values_list("pupil_id", "date", "session", "code")) == main
    college_marks = AttendanceMark.objects.filter(organisation=college)
    assert college_marks.count() > 20 * 2 * 50
    assert world.extra["attendance_marks"] == AttendanceMark.objects.count()
    assert rollup.differences(organisation_ids=[college.pk]) == []
    assert world.rng.getstate() == drawn
