"""Trends for the charts: attendance per week (the roll-up, through attendance's own reads) and incidents per
month (one grouped query)."""

from __future__ import annotations

from typing import Any

from attendance import selectors as attendance
from insights.selectors.cohort import Cohort, pupils_in
from insights.selectors.figures import day_bounds


def attendance_trend(cohort: Cohort) -> list[dict[str, Any]]:
    """Attendance per week: from the roll-up when the cohort is a whole scope, else from the cohort's marks."""
    if cohort.scope is not None:
        return attendance.scope_trend(cohort.scope, cohort.start, cohort.end)
    scope = attendance.Scope(
        organisation=cohort.organisation, organisation_ids=[s.pk for s in cohort.schools]
    )
    marks = attendance.scope_marks(scope, cohort.start, cohort.end).filter(
        pupil_id__in=pupils_in(cohort).values("pk")
    )
    return attendance.weekly_trend(marks)


def behaviour_trend(cohort: Cohort) -> list[dict[str, Any]]:
    """Positive and negative incidents per month of the range (behaviour's read: one grouped query)."""
    from behaviour.selectors import incidents_by_month

    first, after = day_bounds(cohort.start, cohort.end)
    months = incidents_by_month([s.pk for s in cohort.schools], pupils_in(cohort).values("pk"), first, after)
    return [{"month": m, **months[m]} for m in sorted(months)]
