"""Does the list warn early? Replay a past period a week at a time: who the list flagged each week (every
indicator, the school's settings), and who later became persistently absent, was suspended or withdrew.

- An *outcome* is a pupil's first of: a suspension or permanent exclusion starting (not withdrawn), leaving the
  roll, or being persistently absent (10% or more of this year's possible sessions, once they have at least
  `MIN_SESSIONS`) at a weekly check.
- A pupil is *warned* when first flagged before their outcome; the weeks of warning are the days between, over 7.
- Precision: of the pupils first flagged while they had no outcome yet, the share who went on to one.
  Recall: of the pupils with an outcome in the period, the share warned. Pupils whose outcome came first count
  in recall only (as missed).
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from typing import Any

from early_warning.selectors import evaluate, flagged_ids, settings_values

MIN_SESSIONS = 20


@dataclass
class Replay:
    weeks: list[tuple[datetime.date, int]]  # each check day and how many were flagged
    first_flag: dict[int, datetime.date]
    outcomes: dict[int, tuple[datetime.date, str]]
    warned: dict[int, float] = field(default_factory=dict)  # pupil -> weeks of warning

    @property
    def flagged_before(self) -> set[int]:
        return {
            p for p, day in self.first_flag.items() if p not in self.outcomes or day < self.outcomes[p][0]
        }

    @property
    def precision(self) -> float | None:
        pool = self.flagged_before
        return len(self.warned) / len(pool) if pool else None

    @property
    def recall(self) -> float | None:
        return len(self.warned) / len(self.outcomes) if self.outcomes else None

    @property
    def median_weeks(self) -> float | None:
        return statistics.median(self.warned.values()) if self.warned else None


def check_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days, day = [], start
    while day <= end:
        days.append(day)
        day += datetime.timedelta(days=7)
    return days


def _earliest(
    found: dict[int, tuple[datetime.date, str]], pupil_id: int, day: datetime.date, what: str
) -> None:
    if pupil_id not in found or day < found[pupil_id][0]:
        found[pupil_id] = (day, what)


def outcomes(organisation: Any, days: list[datetime.date]) -> dict[int, tuple[datetime.date, str]]:
    """Each pupil's first outcome between the first and last check day."""
    from attendance.selectors import academic_year_start, scope_for, scope_per_pupil
    from behaviour.models import Suspension
    from people.models import Pupil

    start, end = days[0], days[-1]
    found: dict[int, tuple[datetime.date, str]] = {}
    for pid, day in Suspension.objects.filter(
        organisation=organisation,
        kind__in=[Suspension.Kind.SUSPENSION, Suspension.Kind.PERMANENT],
        starts_on__gt=start,
        starts_on__lte=end,
        withdrawn_at__isnull=True,
    ).values_list("pupil_id", "starts_on"):
        _earliest(found, pid, day, "suspended")
    for pid, left_on in Pupil.objects.filter(
        organisation=organisation, left_on__gt=start, left_on__lte=end
    ).values_list("pk", "left_on"):
        if left_on is not None:
            _earliest(found, pid, left_on, "withdrew")
    for day in days[1:]:
        for row in scope_per_pupil(
            scope_for(organisation), academic_year_start(day), day, threshold="persistent"
        ):
            if row["possible"] >= MIN_SESSIONS:
                _earliest(found, row["pupil_id"], day, "persistently absent")
    return found


def replay(
    organisation: Any, start: datetime.date, end: datetime.date, values: dict[str, Any] | None = None
) -> Replay:
    """Flag each week from `start` to `end` and compare with what happened next."""
    values = values if values is not None else settings_values(organisation)
    flag_at = int(values["flag_at"])
    days = check_days(start, end)
    weeks: list[tuple[datetime.date, int]] = []
    first_flag: dict[int, datetime.date] = {}
    for day in days:
        flagged = flagged_ids(evaluate(organisation, day, values), flag_at)
        weeks.append((day, len(flagged)))
        for pid in flagged:
            first_flag.setdefault(pid, day)
    found = outcomes(organisation, days)
    result = Replay(weeks, first_flag, found)
    for pid, (day, _) in found.items():
        if pid in first_flag and first_flag[pid] < day:
            result.warned[pid] = (day - first_flag[pid]).days / 7
    return result
