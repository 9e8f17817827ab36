"""The school calendar: the one answer to "is this a school day?" for an organisation, and for one of its sites.

A day is a school day when all three hold:

1. it is a weekday (Monday to Friday);
2. it falls inside one of the organisation's terms (`Term`), when the organisation has recorded terms for that
   day's academic year; when it has recorded none for that year, every weekday passes this test;
3. no closure covers it (`Closure`): a whole-school closure (no site), or, when the question is about a site, a
   closure of that site. Asked about the school as a whole (no site), a site-only closure does not shut the school.

Why the fallback in 2: a school that has not entered its term dates yet (a new tenant, a school mid-way through
setting up, every test world) would otherwise have no school days at all, and the jobs built on them would go
quiet without saying why: the N queue would never flag an `N`, no escalation would ever be due, no plan would go
unscored. Counting weekdays less closures is what the product did before term dates were consulted, so such a
school sees no change. Once one term of an academic year is recorded, that year is governed by its terms: the
days between them (and before the first, after the last) are holidays. Record all three terms of a year together.

Every function loads the calendar for the whole range it needs in two queries (the terms, the closures), never
one a day. Anything that asks about many days should take a `Calendar` from `calendar_for` and ask it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from organisations.models import Closure, Organisation, Site, Term

ONE_DAY = datetime.timedelta(days=1)
# How far `next_school_day` and `school_days_before` look before giving up: past any summer holiday.
LOOK_AHEAD_DAYS = 400

WEEKEND = "the weekend"
OUTSIDE_TERM = "outside the term dates"

OrganisationArg = Organisation | int
SiteArg = Site | int | None


def _pk(value: Organisation | Site | int | None) -> int | None:
    return value if value is None or isinstance(value, int) else value.pk


@dataclass(frozen=True)
class _Closed:
    starts_on: datetime.date
    ends_on: datetime.date
    site_id: int | None
    label: str


@dataclass(frozen=True)
class DayOff:
    """A day that is not a school day: why, and the next day that is (None when none is known within a year)."""

    day: datetime.date
    why: str
    next_school_day: datetime.date | None


@dataclass(frozen=True)
class Calendar:
    """One organisation's calendar from `start` to `end` inclusive, answering for any day in that range."""

    start: datetime.date
    end: datetime.date
    terms: tuple[tuple[datetime.date, datetime.date], ...]
    years_with_terms: tuple[tuple[datetime.date, datetime.date], ...]
    closures: tuple[_Closed, ...]

    def why_not(self, day: datetime.date, site: SiteArg = None) -> str:
        """Why `day` is not a school day (for the site, when given); "" when it is one."""
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the calendar loaded for {self.start} to {self.end}.")
        if day.weekday() >= 5:
            return WEEKEND
        site_id = _pk(site)
        for closed in self.closures:
            if closed.starts_on <= day <= closed.ends_on and closed.site_id in (None, site_id):
                return closed.label
        governed = any(a <= day <= b for a, b in self.years_with_terms)
        if governed and not any(a <= day <= b for a, b in self.terms):
            return OUTSIDE_TERM
        return ""

    def is_school_day(self, day: datetime.date, site: SiteArg = None) -> bool:
        return not self.why_not(day, site)

    def school_days(self, site: SiteArg = None) -> list[datetime.date]:
        """Every school day of the range, in order."""
        days, day = [], self.start
        while day <= self.end:
            if self.is_school_day(day, site):
                days.append(day)
            day += ONE_DAY
        return days

    def closed_sites(self, day: datetime.date) -> set[int]:
        """The sites shut on `day` by a closure of their own (the school may be open)."""
        return {c.site_id for c in self.closures if c.site_id is not None and c.starts_on <= day <= c.ends_on}


def calendar_for(organisation: OrganisationArg, start: datetime.date, end: datetime.date) -> Calendar:
    """Load the organisation's terms and closures touching `start`–`end` (two queries)."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    terms = list(
        Term.objects.filter(
            organisation_id=org_id,
            academic_year__starts_on__lte=end,
            academic_year__ends_on__gte=start,
        ).values_list("starts_on", "ends_on", "academic_year__starts_on", "academic_year__ends_on")
    )
    closures = sorted(
        Closure.objects.filter(organisation_id=org_id, starts_on__lte=end, ends_on__gte=start),
        key=lambda c: (
            c.site_id is not None,
            c.starts_on,
        ),  # whole-school first: they name an overlap's reason
    )
    return Calendar(
        start=start,
        end=end,
        terms=tuple((s, e) for s, e, _, _ in terms),
        years_with_terms=tuple({(ys, ye) for _, _, ys, ye in terms}),
        closures=tuple(
            _Closed(c.starts_on, c.ends_on, c.site_id, c.reason or c.get_kind_display()) for c in closures
        ),
    )


def is_school_day(organisation: OrganisationArg, day: datetime.date, site: SiteArg = None) -> bool:
    """Whether `day` is a school day for the organisation (and the site, when given)."""
    return calendar_for(organisation, day, day).is_school_day(day, site)


def school_days_between(
    organisation: OrganisationArg, start: datetime.date, end: datetime.date, site: SiteArg = None
) -> list[datetime.date]:
    """The school days from `start` to `end` inclusive, in order (empty when `end` is before `start`)."""
    if end < start:
        return []
    return calendar_for(organisation, start, end).school_days(site)


def next_school_day(
    organisation: OrganisationArg, after: datetime.date, site: SiteArg = None
) -> datetime.date | None:
    """The first school day after `after`; None when there is none within about a year."""
    for span in (21, 120, LOOK_AHEAD_DAYS):
        days = school_days_between(organisation, after + ONE_DAY, after + datetime.timedelta(days=span), site)
        if days:
            return days[0]
    return None


def school_days_before(
    organisation: OrganisationArg, on: datetime.date, count: int, site: SiteArg = None
) -> datetime.date:
    """The date `count` school days before `on`, counting back from the day before (`count` ≥ 1).

    Should a year hold fewer than `count` school days (every day closed), the answer is `count` calendar days
    before `on`, so nothing waits for ever."""
    if count < 1:
        return on
    for span in (count * 2 + 14, count * 3 + 60, LOOK_AHEAD_DAYS):
        days = school_days_between(organisation, on - datetime.timedelta(days=span), on - ONE_DAY, site)
        if len(days) >= count:
            return days[-count]
    return on - datetime.timedelta(days=count)


def day_off(organisation: OrganisationArg, day: datetime.date, site: SiteArg = None) -> DayOff | None:
    """None on a school day; otherwise why the school is shut that day and the next school day."""
    why = calendar_for(organisation, day, day).why_not(day, site)
    if not why:
        return None
    return DayOff(day=day, why=why, next_school_day=next_school_day(organisation, day, site))
