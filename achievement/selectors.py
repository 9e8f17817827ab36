"""Reads for achievement: one student's progress against target, a scope's trend, and the per-student counts the
early-warning list asks for (`below_target`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from achievement.models import AssessmentPoint, Course, InitialAssessment, Result


def points_for(organisation_ids: list[int], on: datetime.date | None = None) -> QuerySet[AssessmentPoint]:
    qs = AssessmentPoint.objects.filter(organisation_id__in=organisation_ids)
    return qs.filter(assessed_on__lte=on) if on else qs


def pupil_progress(pupil: Any) -> dict[str, Any]:
    """A student's courses, each with target and working-at at every assessment point, oldest first."""
    results = (
        Result.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil)
        .select_related("course", "point")
        .order_by("course__name", "point__assessed_on")
    )
    courses: dict[int, dict[str, Any]] = {}
    points: dict[int, AssessmentPoint] = {}
    for r in results:
        points[r.point_id] = r.point
        course = courses.setdefault(r.course_id, {"course": r.course, "by_point": {}})
        course["by_point"][r.point_id] = r
    ordered = sorted(points.values(), key=lambda p: (p.assessed_on, p.name))
    rows = []
    for course in courses.values():
        cells = [course["by_point"].get(p.pk) for p in ordered]
        held = [c for c in cells if c is not None]
        trend = held[-1].difference - held[-2].difference if len(held) > 1 else None
        rows.append(
            {"course": course["course"], "cells": cells, "latest": held[-1] if held else None, "trend": trend}
        )
    initial = InitialAssessment.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil)
    return {"points": ordered, "rows": rows, "initial": list(initial)}


def scope_trend(
    organisation_ids: list[int], pupils: QuerySet, course: Course | None = None
) -> list[dict[str, Any]]:
    """Per assessment point: results, students, share at or above target and the mean grade steps from target."""
    qs = Result.objects.filter(organisation_id__in=organisation_ids, pupil__in=pupils)
    if course is not None:
        qs = qs.filter(course=course)
    rows = (
        qs.values("point_id", "point__name", "point__assessed_on")
        .annotate(
            results=Count("id"),
            students=Count("pupil_id", distinct=True),
            on_target=Count("id", filter=Q(difference__gte=0)),
            mean=Avg("difference"),
        )
        .order_by("point__assessed_on", "point__name")
    )
    return [
        {
            "name": r["point__name"],
            "assessed_on": r["point__assessed_on"],
            "results": r["results"],
            "students": r["students"],
            "on_target": r["on_target"],
            "share": r["on_target"] / r["results"] if r["results"] else None,
            "mean": r["mean"],
        }
        for r in rows
    ]


def scope_students(
    organisation_ids: list[int], pupils: QuerySet, course: Course | None = None
) -> list[dict[str, Any]]:
    """Per student: at their latest assessment point, courses below target and mean steps, and the change since
    the point before (worst first)."""
    qs = Result.objects.filter(organisation_id__in=organisation_ids, pupil__in=pupils)
    if course is not None:
        qs = qs.filter(course=course)
    found = below_target(qs)
    from people.models import Pupil

    names = {p.pk: p for p in Pupil.objects.filter(pk__in=found)}
    rows = [{"pupil": names[pk], **figures.as_dict()} for pk, figures in found.items() if pk in names]
    rows.sort(key=lambda r: (-r["below"], r["mean"], r["pupil"].last_name))
    return rows


@dataclass
class Standing:
    """One student's results at their latest assessment point and the one before."""

    point: str
    courses: int
    below: int  # courses below target at the latest point
    falling: int  # courses whose grade steps from target fell since the point before
    mean: float
    change: float | None  # mean steps from target now less the point before

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("point", "courses", "below", "falling", "mean", "change")}


def below_target(results: QuerySet[Result]) -> dict[int, Standing]:
    """Each student's standing from a queryset of results (the early-warning list passes one school's, up to a
    date): the latest two assessment points each student has results at."""
    by_pupil: dict[int, dict[tuple[datetime.date, int], dict[int, int]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    names: dict[int, str] = {}
    for pupil_id, course_id, point_id, assessed_on, name, difference in results.values_list(
        "pupil_id", "course_id", "point_id", "point__assessed_on", "point__name", "difference"
    ):
        by_pupil[pupil_id][(assessed_on, point_id)][course_id] = difference
        names[point_id] = name
    found: dict[int, Standing] = {}
    for pupil_id, points in by_pupil.items():
        ordered = sorted(points)
        latest = points[ordered[-1]]
        before = points[ordered[-2]] if len(ordered) > 1 else None
        mean = sum(latest.values()) / len(latest)
        falling = sum(1 for c, d in latest.items() if before and c in before and d < before[c])
        change = mean - sum(before.values()) / len(before) if before else None
        found[pupil_id] = Standing(
            names[ordered[-1][1]],
            len(latest),
            sum(1 for d in latest.values() if d < 0),
            falling,
            mean,
            change,
        )
    return found


def school_results(organisation_id: int, on: datetime.date) -> QuerySet[Result]:
    """One school's results at assessment points on or before a day (what was known then)."""
    return Result.objects.filter(organisation_id=organisation_id, point__assessed_on__lte=on)


def courses_for(organisation_ids: list[int]) -> QuerySet[Course]:
    return Course.objects.filter(organisation_id__in=organisation_ids).order_by("name")


_STANDINGS_SQL = """
WITH pts AS (
  SELECT r.pupil_id, r.course_id, r.difference, p.name,
         DENSE_RANK() OVER (PARTITION BY r.pupil_id ORDER BY p.assessed_on DESC, p.id DESC) AS rk
  FROM achievement_result r JOIN achievement_assessmentpoint p ON p.id = r.point_id
  WHERE r.organisation_id IN ({ids}) AND p.organisation_id IN ({ids}) AND p.assessed_on <= %s),
per_course AS (
  SELECT pupil_id, course_id, MAX(CASE WHEN rk = 1 THEN name END) AS name,
         MAX(CASE WHEN rk = 1 THEN difference END) AS latest, MAX(CASE WHEN rk = 2 THEN difference END) AS previous,
         MAX(CASE WHEN rk = 1 THEN 1 ELSE 0 END) AS assessed
  FROM pts WHERE rk <= 2 GROUP BY pupil_id, course_id)
SELECT pupil_id, MAX(name), COUNT(*), SUM(CASE WHEN latest < 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN previous IS NOT NULL AND latest < previous THEN 1 ELSE 0 END),
       AVG(latest * 1.0)
FROM per_course
WHERE assessed = 1
GROUP BY pupil_id
"""
# Each course's latest and previous result side by side by conditional aggregation (one result a course and
# point: `result_unique_per_point`), not a self-join of the ranked rows: SQLite evaluated that join row by row
# (0.58 s for 1,000 students; a few ms now).


def standings(organisation_ids: list[int], on: datetime.date) -> dict[int, Standing]:
    """`below_target` for whole schools in one statement (the early-warning list): each student's latest
    assessment point on or before `on` and the one before, counted in the database. `change` is not computed
    (None): the list does not read it."""
    from django.db import connection

    if not organisation_ids:
        return {}
    ids = ",".join(str(int(i)) for i in organisation_ids)
    with connection.cursor() as cursor:
        cursor.execute(_STANDINGS_SQL.format(ids=ids), [on])  # ids are integers; the day is a parameter
        rows = cursor.fetchall()
    return {
        pid: Standing(name, int(courses), int(below or 0), int(falling or 0), float(mean), None)
        for pid, name, courses, below, falling, mean in rows
    }


def assessed_between(organisation_ids: list[int], after: datetime.date, until: datetime.date) -> bool:
    """Whether the schools held an assessment point after one day and up to another: if not, `standings` on
    both days are the same (the early-warning list reuses one for the other)."""
    return AssessmentPoint.objects.filter(
        organisation_id__in=organisation_ids, assessed_on__gt=after, assessed_on__lte=until
    ).exists()
