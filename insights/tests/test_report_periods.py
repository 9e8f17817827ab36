"""The governors' report's periods: last term is the school's latest term before this one, and the same term a year
earlier is the same kind of term in the academic year before (not the earliest on the calendar).

The calendar (hand-made): Autumn, Spring and Summer of 2021-22 to 2026-27 (1 Sep–17 Dec, 5 Jan–27 Mar,
14 Apr–20 Jul). The report for Autumn 2026-27 compares with Summer 2025-26 (last term) and Autumn 2025-26 (1 Sep
2025–17 Dec 2025) — not Autumn 2021-22."""

from __future__ import annotations

import datetime

import pytest

from core.testing.personas import build_school_world
from insights.selectors.report import periods
from organisations.models import AcademicYear, Term

pytestmark = pytest.mark.django_db

D = datetime.date


def _calendar(school, first_year: int, last_year: int) -> None:
    # Created newest first so the database's insertion order cannot stand in for the right choice.
    for year in range(last_year, first_year - 1, -1):
        academic_year, _ = AcademicYear.objects.get_or_create(
            name=f"{year}-{str(year + 1)[-2:]}",
            defaults={"starts_on": D(year, 9, 1), "ends_on": D(year + 1, 8, 31)},
        )
        for kind, starts_on, ends_on in (
            ("autumn", D(year, 9, 1), D(year, 12, 17)),
            ("spring", D(year + 1, 1, 5), D(year + 1, 3, 27)),
            ("summer", D(year + 1, 4, 14), D(year + 1, 7, 20)),
        ):
            Term.objects.create(
                organisation=school,
                academic_year=academic_year,
                kind=kind,
                starts_on=starts_on,
                ends_on=ends_on,
            )


def test_it_compares_with_the_same_term_of_the_academic_year_before():
    """Autumn 2026-27 against Summer 2025-26 and Autumn 2025-26 (1 Sep–17 Dec 2025), not Autumn 2021-22."""
    world = build_school_world()
    _calendar(world.school, 2021, 2026)
    this, last, year_ago = periods(world.school, D(2026, 9, 1), D(2026, 12, 17))
    assert (this.label, this.start, this.end) == ("Autumn 2026-27", D(2026, 9, 1), D(2026, 12, 17))
    assert (last.label, last.start, last.end) == ("Summer 2025-26", D(2026, 4, 14), D(2026, 7, 20))
    assert (year_ago.label, year_ago.start, year_ago.end) == (
        "Autumn 2025-26",
        D(2025, 9, 1),
        D(2025, 12, 17),
    )


def test_it_compares_a_spring_term_with_the_spring_and_autumn_before_it():
    """Spring 2025-26 (5 Jan–27 Mar 2026) against Autumn 2025-26 and Spring 2024-25 (5 Jan–27 Mar 2025)."""
    world = build_school_world()
    _calendar(world.school, 2021, 2026)
    _, last, year_ago = periods(world.school, D(2026, 1, 5), D(2026, 3, 27))
    assert (last.label, last.start, last.end) == ("Autumn 2025-26", D(2025, 9, 1), D(2025, 12, 17))
    assert (year_ago.label, year_ago.start, year_ago.end) == ("Spring 2024-25", D(2025, 1, 5), D(2025, 3, 27))


def test_it_falls_back_to_the_same_dates_a_year_earlier_without_an_earlier_term():
    """The first year on the calendar: Autumn 2021-22 has no term before it, so both periods are worked out."""
    world = build_school_world()
    _calendar(world.school, 2021, 2022)
    _, last, year_ago = periods(world.school, D(2021, 9, 1), D(2021, 12, 17))
    assert (last.label, last.start, last.end) == ("The period before", D(2021, 5, 16), D(2021, 8, 31))
    assert (year_ago.label, year_ago.start, year_ago.end) == (
        "A year earlier",
        D(2020, 9, 1),
        D(2020, 12, 17),
    )
