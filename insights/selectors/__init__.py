"""Reads for insights: the cohort a dashboard counts, its figures per student and per breakdown, trends, the
small-number suppression and the governors' report's figures."""

from insights.selectors.cohort import Cohort, Facts, build_cohort, on_roll_between, pupils_in
from insights.selectors.figures import (
    COLUMNS,
    DIMENSIONS,
    Column,
    Dimension,
    PerStudent,
    breakdown,
    dimensions_for,
    per_student,
    totals,
)
from insights.selectors.suppression import SUPPRESSED, THRESHOLD, suppress_count, suppress_row
from insights.selectors.trends import attendance_trend, behaviour_trend

__all__ = [
    "COLUMNS",
    "DIMENSIONS",
    "SUPPRESSED",
    "THRESHOLD",
    "Cohort",
    "Column",
    "Dimension",
    "Facts",
    "PerStudent",
    "attendance_trend",
    "behaviour_trend",
    "breakdown",
    "build_cohort",
    "dimensions_for",
    "on_roll_between",
    "per_student",
    "pupils_in",
    "suppress_count",
    "suppress_row",
    "totals",
]
