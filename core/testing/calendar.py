"""A hand-built school calendar for tests: the 2026-27 autumn and spring terms with a half-term week.

Every date is fixed relative to the chosen Monday the autumn term starts on, never to the day the tests run.
"""

from __future__ import annotations

import datetime
from typing import Any

from core.testing.factories import AcademicYearFactory, TermFactory
from organisations.models import Closure

AUTUMN_STARTS = datetime.date(2026, 9, 7)  # a Monday
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)


def day(weeks: int, weekday: int = MONDAY) -> datetime.date:
    """The given weekday `weeks` weeks after the Monday the autumn term starts."""
    return AUTUMN_STARTS + datetime.timedelta(weeks=weeks, days=weekday)


HALF_TERM = (day(7), day(7, FRIDAY))  # Mon 26 – Fri 30 October 2026, a closure inside the autumn term
LAST_DAY_OF_AUTUMN = day(14, FRIDAY)  # Friday 18 December 2026
SPRING_STARTS = day(17)  # Monday 4 January 2027, after a two-week holiday between the terms
LAST_DAY_OF_SPRING = day(27, FRIDAY)


def record_terms(school: Any) -> None:
    """Give `school` the autumn and spring terms of 2026-27 and the autumn half-term closure."""
    year = AcademicYearFactory(
        name="2026-27", starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 8, 31)
    )
    TermFactory(
        organisation=school,
        academic_year=year,
        kind="autumn",
        starts_on=AUTUMN_STARTS,
        ends_on=LAST_DAY_OF_AUTUMN,
    )
    TermFactory(
        organisation=school,
        academic_year=year,
        kind="spring",
        starts_on=SPRING_STARTS,
        ends_on=LAST_DAY_OF_SPRING,
    )
    Closure.objects.create(
        organisation=school,
        kind=Closure.Kind.HALF_TERM,
        starts_on=HALF_TERM[0],
        ends_on=HALF_TERM[1],
        reason="Autumn half term",
    )
