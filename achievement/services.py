"""Writes for achievement: grade scales, and the MIS import's results and initial assessments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from achievement.models import STANDARD_SCALES, AssessmentPoint, Course, GradeScale, InitialAssessment, Result

BATCH_SIZE = 500


@dataclass(frozen=True)
class ImportedResult:
    pupil_id: int
    course_code: str
    point_name: str
    assessed_on: datetime.date
    target: str
    working_at: str
    difference: int


def standard_scale(*, organisation: Any, key: str) -> GradeScale:
    """The school's copy of a standard scale (GCSE, A level, BTEC), made the first time it is needed."""
    name, grades = STANDARD_SCALES[key]
    scale, _ = GradeScale.objects.get_or_create(
        organisation=organisation, name=name, defaults={"kind": key, "grades": grades}
    )
    return scale


def scale_create(*, organisation: Any, name: str, grades: list[str]) -> GradeScale:
    """A school-defined grade scale, lowest grade first."""
    scale = GradeScale(organisation=organisation, kind=GradeScale.Kind.SCHOOL, name=name, grades=grades)
    scale.full_clean()
    scale.save()
    return scale


def _course(organisation: Any, new: Any) -> Course:
    scale = (
        standard_scale(organisation=organisation, key=new.scale) if isinstance(new.scale, str) else new.scale
    )
    course = Course(organisation=organisation, code=new.code, name=new.name[:100], scale=scale)
    course.full_clean()
    course.save()
    return course


def results_write(*, organisation: Any, new_courses: list[Any], results: list[ImportedResult]) -> None:
    """Write imported results (inside the import's transaction): new courses and points, then upserts."""
    with transaction.atomic():
        for new in new_courses:
            _course(organisation, new)
        courses = {c.code.upper(): c.pk for c in Course.objects.filter(organisation=organisation)}
        points = {
            (p.name, p.assessed_on): p.pk for p in AssessmentPoint.objects.filter(organisation=organisation)
        }
        for key in sorted({(r.point_name, r.assessed_on) for r in results} - set(points)):
            points[key] = AssessmentPoint.objects.create(
                organisation=organisation, name=key[0], assessed_on=key[1]
            ).pk
        held = {
            (r.pupil_id, r.course_id, r.point_id): r
            for r in Result.objects.filter(
                organisation=organisation, pupil_id__in={r.pupil_id for r in results}
            )
        }
        create, update = [], []
        for r in results:
            found = (r.pupil_id, courses[r.course_code], points[(r.point_name, r.assessed_on)])
            saved = held.get(found)
            if saved is None:
                create.append(
                    Result(
                        organisation=organisation,
                        pupil_id=found[0],
                        course_id=found[1],
                        point_id=found[2],
                        target=r.target,
                        working_at=r.working_at,
                        difference=r.difference,
                    )
                )
            elif (saved.target, saved.working_at) != (r.target, r.working_at):
                saved.target, saved.working_at, saved.difference = r.target, r.working_at, r.difference
                update.append(saved)
        Result.objects.bulk_create(create, batch_size=BATCH_SIZE)
        Result.objects.bulk_update(update, ["target", "working_at", "difference"], batch_size=BATCH_SIZE)


def initial_write(
    *, organisation: Any, assessments: list[InitialAssessment], held: dict[tuple[int, str], InitialAssessment]
) -> None:
    """Write imported initial assessments: new ones created, held ones given the file's result and date."""
    create, update = [], []
    for a in assessments:
        saved = held.get((a.pupil_id, a.subject.lower()))
        if saved is None:
            create.append(a)
        else:
            saved.result, saved.assessed_on = a.result, a.assessed_on
            update.append(saved)
    with transaction.atomic():
        InitialAssessment.objects.bulk_create(create, batch_size=BATCH_SIZE)
        InitialAssessment.objects.bulk_update(update, ["result", "assessed_on"], batch_size=BATCH_SIZE)
