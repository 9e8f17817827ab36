"""The demo builder: every student on roll has courses on the right scale over three assessment points, fast."""

from __future__ import annotations

import datetime
import random
import time

import pytest

from achievement.demo import build_achievement
from achievement.models import AssessmentPoint, InitialAssessment, Result
from core.testing.factories import AcademicYearFactory, OrganisationFactory, PupilFactory
from demo.registry import DemoWorld
from early_warning.demo import build_early_warning
from early_warning.selectors import evaluate

pytestmark = pytest.mark.django_db


def _world() -> DemoWorld:
    school = OrganisationFactory(name="Demo School")
    for year in (7, 9, 11, 12, 13):
        for _ in range(20):
            PupilFactory(organisation=school, year_group=year)
    return DemoWorld(
        rng=random.Random(7),
        today=datetime.date(2026, 12, 4),
        scale=1,
        academic_year=AcademicYearFactory(),
        previous_year=None,
        provider=None,
        university=None,
        schools=[school],
        main_school=school,
    )


def test_it_gives_every_student_three_points_of_grades_quickly():
    world = _world()
    started = time.perf_counter()
    build_achievement(world)
    build_early_warning(world)
    assert time.perf_counter() - started < 10
    school = world.schools[0]
    points = list(AssessmentPoint.objects.filter(organisation=school))
    assert len(points) == 3 and points[-1].assessed_on == datetime.date(2026, 11, 27)
    per_pupil = {r["pupil_id"] for r in Result.objects.values("pupil_id")}
    assert len(per_pupil) == 100
    assert not Result.objects.filter(pupil__year_group__gte=12, course__scale__kind="gcse").exists()
    assert not Result.objects.filter(pupil__year_group__lt=12, course__scale__kind="a_level").exists()
    assert Result.objects.filter(point=points[0]).count() == Result.objects.filter(point=points[2]).count()
    assert InitialAssessment.objects.count() == 200
    assert any(
        line.key == "below_target" for lines in evaluate(school, world.today).values() for line in lines
    )
