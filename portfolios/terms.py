"""School terms for the mentor-meeting rule ("at least twice per term").

Terms come from `organisations.Term` for the participant's school; where a school has recorded none, the default
UK (England) term dates are used: autumn 1 September – 20 December, spring 4 January – 31 March,
summer 15 April – 21 July.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from organisations.models import Term

MEETINGS_PER_TERM = 2


@dataclass(frozen=True)
class TermSpan:
    name: str
    starts_on: datetime.date
    ends_on: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


def default_terms(year_start: int) -> list[TermSpan]:
    """Default UK terms of the school year starting in September of `year_start`."""
    return [
        TermSpan("Autumn term", datetime.date(year_start, 9, 1), datetime.date(year_start, 12, 20)),
        TermSpan("Spring term", datetime.date(year_start + 1, 1, 4), datetime.date(year_start + 1, 3, 31)),
        TermSpan("Summer term", datetime.date(year_start + 1, 4, 15), datetime.date(year_start + 1, 7, 21)),
    ]


def terms_for(school_id: int, on: datetime.date) -> list[TermSpan]:
    """The school's terms of the school year containing `on` (recorded ones, else the defaults)."""
    year_start = on.year if on.month >= 9 else on.year - 1
    recorded = Term.objects.filter(
        organisation_id=school_id,
        starts_on__lte=datetime.date(year_start + 1, 8, 31),
        ends_on__gte=datetime.date(year_start, 9, 1),
    ).order_by("starts_on")
    spans = [TermSpan(f"{t.get_kind_display()} term", t.starts_on, t.ends_on) for t in recorded]
    return spans or default_terms(year_start)


def current_term(school_id: int, on: datetime.date) -> TermSpan | None:
    """The term containing `on`; in a holiday, none."""
    return next((t for t in terms_for(school_id, on) if on in t), None)
