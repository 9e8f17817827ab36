"""Trends for the charts: attendance per week (the roll-up, through attendance's own reads) and incidents per
month (one grouped query)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count

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
    """Positive and negative incidents per month of the range."""
    from django.db.models.functions import TruncMonth

    from behaviour.models import IncidentPupil

    first, after = day_bounds(cohort.start, cohort.end)
    months: dict[datetime.date, dict[str, int]] = {}
    for month, kind, n in (
        IncidentPupil.objects.filter(
            organisation_id__in=[s.pk for s in cohort.schools],
            pupil_id__in=pupils_in(cohort).values("pk"),
            incident__occurred_at__gte=first,
            incident__occurred_at__lt=after,
            incident__kind__in=("positive", "negative"),
        )
        .annotate(month=TruncMonth("incident__occurred_at"))
        .values_list("month", "incident__kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        day = month.date() if isinstance(month, datetime.datetime) else month
        months.setdefault(day, {"positive": 0, "negative": 0})[kind] += n
    return [{"month": m, **months[m]} for m in sorted(months)]
