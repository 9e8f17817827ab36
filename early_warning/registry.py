"""The indicators the early-warning list weighs, and how another app adds one (`register_indicator`).

An indicator reads one school's records as they stood on a day and answers, per pupil, whether it is on and
why (the evidence, in words). Each has a weight (the points it adds) and parameters (thresholds, windows) a
school may change on the settings page; `visible_to(user, organisation_id)` hides a sensitive indicator (child
protection, looked after, SEN) from roles that may not know of it — it then adds nothing to the score they see.
The caseloads app adds its LPR indicators here without this app importing it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Param:
    key: str
    label: str
    default: Decimal | int
    minimum: Decimal | int = 0
    maximum: Decimal | int = 1000
    help: str = ""


@dataclass
class Context:
    """What every indicator is evaluated with: the schools (one, or several with the same values: a group of
    schools' list evaluates them in one pass), one day, the values, the pupils on roll.

    An indicator reads `organisation_ids` (every school evaluated); `organisation` is the first of them. `days`
    are the days evaluated together (today and a week ago, for the list's new entrants): an indicator with
    `evaluate_days` answers for all of them in the same queries; `on` is the first of them."""

    organisation: Any
    on: datetime.date
    values: dict[str, Any]
    pupil_ids: list[int]
    cache: dict[str, Any] = field(default_factory=dict)
    organisation_ids: list[int] = field(default_factory=list)
    days: tuple[datetime.date, ...] = ()

    def __post_init__(self) -> None:
        if not self.organisation_ids:
            self.organisation_ids = [self.organisation.pk]
        if not self.days:
            self.days = (self.on,)

    def for_day(self, day: datetime.date) -> Context:
        """The same evaluation for one of its days alone (an indicator without `evaluate_days` runs once a
        day with it); made once a day, so what it shares (`shared`) is shared that day."""
        if self.days == (day,):
            return self
        key = f"day:{day.isoformat()}"
        if key not in self.cache:
            self.cache[key] = Context(
                self.organisation, day, self.values, self.pupil_ids, organisation_ids=self.organisation_ids
            )
        found: Context = self.cache[key]
        return found

    def value(self, indicator: str, param: str) -> Any:
        return self.values[f"{indicator}.{param}"]

    def shared(self, key: str, load: Callable[[], Any]) -> Any:
        """Data two indicators read (this year's attendance) loaded once per evaluation."""
        if key not in self.cache:
            self.cache[key] = load()
        return self.cache[key]


Evaluate = Callable[[Context], dict[int, str]]  # pupil id -> evidence, for the pupils it is on for
EvaluateDays = Callable[[Context], dict[datetime.date, dict[int, str]]]  # each of `ctx.days` -> as Evaluate


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    weight: int
    evaluate: Evaluate
    params: tuple[Param, ...] = ()
    visible_to: Callable[[Any, int], bool] | None = None  # None: every role that reads the list
    order: int = 50
    group: str = ""  # how the settings page groups it: Attendance, Behaviour, Achievement…
    evaluate_days: EvaluateDays | None = None  # every day of `ctx.days` in the same queries (optional)
    # `visible_to` for several schools at once (user, organisation ids -> those it is visible in): optional.
    visible_in: Callable[[Any, list[int]], set[int]] | None = None

    def found_by_day(self, ctx: Context) -> dict[datetime.date, dict[int, str]]:
        """Each of the context's days -> pupil id -> evidence: in one pass when the indicator can, else a day
        at a time."""
        if self.evaluate_days is not None:
            return self.evaluate_days(ctx)
        return {day: self.evaluate(ctx.for_day(day)) for day in ctx.days}


INDICATORS: dict[str, Indicator] = {}
FLAG_AT = Param(
    "flag_at",
    "Score that puts a student on the list",
    4,
    1,
    100,
    "Students scoring this or more are flagged.",
)


def register_indicator(indicator: Indicator) -> None:
    """Add an indicator to the early-warning list (call from an AppConfig.ready)."""
    INDICATORS[indicator.key] = indicator


def indicators() -> list[Indicator]:
    return sorted(INDICATORS.values(), key=lambda i: (i.order, i.key))


def defaults() -> dict[str, Any]:
    """Every setting at its default: "<key>.on", "<key>.weight" and "<key>.<param>", and "flag_at"."""
    values: dict[str, Any] = {"flag_at": FLAG_AT.default}
    for indicator in indicators():
        values[f"{indicator.key}.on"] = True
        values[f"{indicator.key}.weight"] = indicator.weight
        for param in indicator.params:
            values[f"{indicator.key}.{param.key}"] = param.default
    return values
