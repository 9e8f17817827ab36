"""The governors' termly report's figures: the school this term, last term and the same term last year, its
breakdowns, and each school of its group of schools this term. Everything in it is suppressed (it leaves the
school's staff), and its early-warning count reads only the indicators no role restricts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from insights.selectors.cohort import build_cohort
from insights.selectors.figures import (
    COLUMNS,
    DIMENSIONS,
    breakdown,
    per_student,
    public_indicator_keys,
    totals,
)
from insights.selectors.suppression import suppress_row
from organisations.models import Organisation, Term

REPORT_BREAKDOWNS = ("year", "sex", "sen", "pupil_premium")


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime.date
    end: datetime.date


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def periods(school: Organisation, start: datetime.date, end: datetime.date) -> list[Period]:
    """This term; last term (the school's term before it, else as many days just before); the same term a year
    earlier (the same kind of term in the year before, else the same dates a year earlier)."""
    terms = list(
        Term.objects.filter(organisation=school).select_related("academic_year").order_by("starts_on")
    )
    this = next((t for t in terms if t.starts_on <= start <= t.ends_on), None)
    before = max((t for t in terms if t.ends_on < start), key=lambda t: t.ends_on, default=None)
    if before is not None:
        last = Period(str(before), before.starts_on, before.ends_on)
    else:
        days = end - start
        last = Period(
            "The period before", start - days - datetime.timedelta(days=1), start - datetime.timedelta(days=1)
        )
    # The latest earlier term of the same kind (the academic year before), never the earliest on the calendar.
    same_kind_before = [
        t
        for t in terms
        if this is not None
        and t.kind == this.kind
        and t.academic_year.starts_on < this.academic_year.starts_on
    ]
    year_ago = max(same_kind_before, key=lambda t: t.academic_year.starts_on, default=None)
    if year_ago is not None:
        previous_year = Period(str(year_ago), year_ago.starts_on, year_ago.ends_on)
    else:
        previous_year = Period("A year earlier", _year_before(start), _year_before(end))
    return [Period(str(this) if this else "This term", start, end), last, previous_year]


def school_figures(user: Any, schools: list[Organisation], period: Period) -> tuple[Any, Any]:
    """A cohort of every pupil on roll in the period and its figures per student (nothing restricted counted)."""
    cohort = build_cohort(
        user,
        schools,
        period.start,
        period.end,
        organisation=schools[0],
        label=", ".join(s.name for s in schools),
        every_pupil=True,
    )
    return cohort, per_student(user, cohort, keys=public_indicator_keys())


def report_context(
    user: Any, school: Organisation, start: datetime.date, end: datetime.date, step: Callable[[str], None]
) -> dict[str, Any]:
    """Every figure of the report; `step(what)` is called after each piece (the progress bar)."""
    found_periods = periods(school, start, end)
    headlines = []
    breakdowns: dict[str, list[dict[str, Any]]] = {}
    for i, period in enumerate(found_periods):
        cohort, found = school_figures(user, [school], period)
        headlines.append({"period": period, **suppress_row(totals(cohort.ids, found))})
        if i == 0:
            for key in REPORT_BREAKDOWNS:
                breakdowns[key] = [suppress_row(r) for r in breakdown(cohort, found, key)]
        step(period.label)
    comparison = []
    parent = school.parent if school.parent_id else None
    group = parent if parent is not None and parent.kind == Organisation.Kind.GROUP else None
    if group is not None:
        for member in Organisation.objects.filter(parent=group).order_by("name"):
            cohort, found = school_figures(user, [member], found_periods[0])
            comparison.append(
                {
                    "school": member,
                    "is_this": member.pk == school.pk,
                    **suppress_row(totals(cohort.ids, found)),
                }
            )
            step(member.name)
    return {
        "columns": COLUMNS,
        "dimensions": {k: DIMENSIONS[k] for k in REPORT_BREAKDOWNS},
        "school": school,
        "group": group,
        "periods": found_periods,
        "headlines": headlines,
        "breakdowns": breakdowns,
        "comparison": comparison,
    }


def report_steps(school: Organisation) -> int:
    """How many pieces the report is made of (three periods, and each school of its group)."""
    members = 0
    if school.parent_id and school.parent is not None and school.parent.kind == Organisation.Kind.GROUP:
        members = Organisation.objects.filter(parent_id=school.parent_id).count()
    return 3 + members
