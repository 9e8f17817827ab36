"""Demo achievement: every student on roll gets courses on the right scale, a target and three assessment
points' working-at grades; students who miss school drift below target (so the early-warning list and its
replay have something true to find)."""

from __future__ import annotations

import datetime
from typing import Any

from achievement import services
from achievement.models import AssessmentPoint, Course, InitialAssessment, Result
from people.models import Pupil

GCSE_COURSES = [("MA-GCSE", "Mathematics"), ("EN-GCSE", "English"), ("SC-GCSE", "Combined Science")]
A_LEVEL_COURSES = [
    ("MA-AL", "A level Mathematics"),
    ("HI-AL", "A level History"),
    ("BI-AL", "A level Biology"),
]
BTEC_COURSES = [("BU-BTEC", "BTEC Business")]


def _points(world: Any, school: Any) -> list[AssessmentPoint]:
    """Three data drops spread from six weeks into the year to last week."""
    first = world.academic_year.starts_on + datetime.timedelta(weeks=6)
    last = max(world.today - datetime.timedelta(days=7), first + datetime.timedelta(weeks=4))
    middle = first + (last - first) / 2
    names = ("First data drop", "Second data drop", "Third data drop")
    return [
        AssessmentPoint.objects.create(organisation=school, name=name, assessed_on=day)
        for name, day in zip(names, (first, middle, last), strict=True)
    ]


def _courses(school: Any) -> dict[str, list[Course]]:
    made: dict[str, list[Course]] = {}
    for key, listed in (("gcse", GCSE_COURSES), ("a_level", A_LEVEL_COURSES), ("btec", BTEC_COURSES)):
        scale = services.standard_scale(organisation=school, key=key)
        made[key] = [
            Course.objects.create(organisation=school, code=c, name=n, scale=scale) for c, n in listed
        ]
    return made


def _absence(school: Any, world: Any) -> dict[int, float]:
    """Each pupil's absence rate so far this year (0 where no marks are kept)."""
    from attendance.selectors import scope_for, scope_per_pupil

    rows = scope_per_pupil(scope_for(school), world.academic_year.starts_on, world.today)
    return {r["pupil_id"]: r["absence_rate"] or 0.0 for r in rows}


def _results_for(
    world: Any, school: Any, pupil: Any, courses: list[Course], points: list[Any], absence: float
) -> list[Result]:
    rng = world.rng
    results = []
    for course in courses:
        top = len(course.scale.grades) - 1
        target = rng.randint(max(1, top // 3), top)
        working = min(top, max(0, target + rng.choice([-1, 0, 0, 0, 1])))
        for point in points:
            results.append(
                Result(
                    organisation=school,
                    pupil=pupil,
                    course=course,
                    point=point,
                    target=course.scale.grades[target],
                    working_at=course.scale.grades[working],
                    difference=working - target,
                )
            )
            # Absence pulls grades down: a pupil missing a fifth of school slips a grade most data drops.
            slip = 1 if rng.random() < min(0.9, absence * 4) else 0
            working = min(top, max(0, working - slip + (1 if rng.random() < 0.15 else 0)))
    return results


def _initial(world: Any, school: Any, pupil: Any) -> list[InitialAssessment]:
    start = world.academic_year.starts_on
    return [
        InitialAssessment(
            organisation=school,
            pupil=pupil,
            subject=subject,
            result=f"Level {world.rng.randint(1, 3)}",
            assessed_on=start,
        )
        for subject in ("English", "Maths")
    ]


def build_achievement(world: Any) -> None:
    """Courses, three assessment points and results for every student on roll at every demo school."""
    for school in world.schools:
        pupils = list(Pupil.objects.filter(organisation=school, left_on__isnull=True).order_by("pk"))
        if not pupils:
            continue
        points, courses, absence = _points(world, school), _courses(school), _absence(school, world)
        results: list[Result] = []
        initial: list[InitialAssessment] = []
        for pupil in pupils:
            band = "a_level" if pupil.year_group >= 12 else "gcse"
            chosen = courses[band] + (courses["btec"] if pupil.year_group >= 10 and pupil.pk % 3 == 0 else [])
            results += _results_for(world, school, pupil, chosen, points, absence.get(pupil.pk, 0.0))
            initial += _initial(world, school, pupil)
        Result.objects.bulk_create(results, batch_size=1000)
        InitialAssessment.objects.bulk_create(initial, batch_size=1000)
