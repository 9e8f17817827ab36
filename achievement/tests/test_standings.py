"""The early-warning list's one-statement standings agree with the Python reading of the same results."""

from __future__ import annotations

import datetime
import random

import pytest

from achievement import services
from achievement.models import AssessmentPoint, Course, Result
from achievement.selectors import below_target, school_results, standings
from core.testing.factories import OrganisationFactory, PupilFactory

DAY = datetime.date(2026, 11, 20)


@pytest.mark.django_db
def test_standings_match_below_target_with_gaps_between_points():
    """Twelve students, four courses, three points (the third after the day asked about): some results missing at
    a point, so a course's previous result is not always at the student's previous point, and one student with
    results at one point only. Every field the list reads is the same from both."""
    school = OrganisationFactory()
    rng = random.Random(7)
    scale = services.standard_scale(organisation=school, key="gcse")
    points = [
        AssessmentPoint.objects.create(organisation=school, name=f"Point {i}", assessed_on=DAY + delta)
        for i, delta in enumerate(
            (datetime.timedelta(days=-70), datetime.timedelta(days=-7), datetime.timedelta(1))
        )
    ]
    courses = [Course.objects.create(organisation=school, code=c, name=c, scale=scale) for c in "ABCD"]
    pupils = [PupilFactory(organisation=school) for _ in range(12)]
    rows = []
    for n, pupil in enumerate(pupils):
        for point in points[1:] if n == 0 else points:
            for course in courses:
                if rng.random() < 0.25:
                    continue
                step = rng.randint(-3, 2)
                rows.append(
                    Result(
                        organisation=school,
                        pupil=pupil,
                        course=course,
                        point=point,
                        target="6",
                        working_at=str(6 + step),
                        difference=step,
                    )
                )
    Result.objects.bulk_create(rows)

    expected = below_target(school_results(school.pk, DAY))
    found = standings([school.pk], DAY)

    assert set(found) == set(expected)
    for pupil_id, standing in expected.items():
        got = found[pupil_id]
        assert (got.point, got.courses, got.below, got.falling) == (
            standing.point,
            standing.courses,
            standing.below,
            standing.falling,
        )
        assert got.mean == pytest.approx(standing.mean)
