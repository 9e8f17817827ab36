"""Small-number suppression for figures that leave the school (a group of schools' export, the governors' report).

The rule (docs/insights.md): a row describing fewer than 5 students shows "<5" in every cell; in any other row a
count from 1 to 4 (of students, or of events such as incidents, which may all be one student's) shows "<5", and a
rate (attendance %, results at or above target) shows "<5" when fewer than 5 students stand behind it. A count of
exactly 5 is shown. A zero is shown as 0 in a row of 5 or more students.
"""

from __future__ import annotations

from typing import Any

from insights.selectors.figures import COLUMNS, RATE

THRESHOLD = 5
SUPPRESSED = "<5"


def suppress_count(value: int) -> int | str:
    return SUPPRESSED if 0 < value < THRESHOLD else value


def suppress_row(row: dict[str, Any]) -> dict[str, Any]:
    """A copy of one row of figures with every cell that could single out fewer than 5 students replaced."""
    out = dict(row)
    small_row = row["students"] < THRESHOLD
    for column in COLUMNS:
        value = row[column.key]
        if small_row:
            out[column.key] = SUPPRESSED
        elif column.kind == RATE:
            out[column.key] = SUPPRESSED if row[column.base] < THRESHOLD and value is not None else value
        else:
            out[column.key] = suppress_count(value)
    return out
