"""The school calendar's one answer to "is this a school day?": weekends, term dates, closures of the school and of
one site, and the fallback when no term dates are recorded. Every date is fixed relative to a chosen Monday
(core/testing/calendar.py)."""

from __future__ import annotations

import datetime

import pytest

from core.testing.calendar import (
    AUTUMN_STARTS,
    FRIDAY,
    HALF_TERM,
    LAST_DAY_OF_AUTUMN,
    LAST_DAY_OF_SPRING,
    SATURDAY,
    SPRING_STARTS,
    SUNDAY,
    day,
    record_terms,
)
from core.testing.factories import OrganisationFactory, SiteFactory
from organisations import calendar
from organisations.models import Closure

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    """A school with two sites, an autumn and a spring term and a half-term week's closure."""
    school = OrganisationFactory(name="Calendar School")
    record_terms(school)
    school.north = SiteFactory(organisation=school, name="North site")
    school.south = SiteFactory(organisation=school, name="South site")
    return school


def test_it_takes_no_weekend_day_for_a_school_day(school):
    """Saturday and Sunday in term are not school days; the Friday before and the Monday after are."""
    assert calendar.is_school_day(school, day(2, FRIDAY))
    assert not calendar.is_school_day(school, day(2, SATURDAY))
    assert not calendar.is_school_day(school, day(2, SUNDAY), site=school.north)
    off = calendar.day_off(school, day(2, SATURDAY))
    assert off is not None and off.why == "the weekend" and off.next_school_day == day(3)
    assert calendar.day_off(school, day(3)) is None


def test_it_counts_no_day_of_a_half_term_closure(school):
    """The half-term week is a closure inside the term: no school day from its Monday to the Monday after."""
    assert calendar.school_days_between(school, day(6, FRIDAY), day(8, FRIDAY)) == [
        day(6, FRIDAY),
        *[day(8, n) for n in range(5)],
    ]
    off = calendar.day_off(school, HALF_TERM[0] + datetime.timedelta(days=2))
    assert off is not None and off.why == "Autumn half term" and off.next_school_day == day(8)


def test_it_counts_no_day_between_two_terms(school):
    """The holiday between the autumn and spring terms has no school day, though no closure was recorded."""
    holiday = calendar.school_days_between(school, day(15), day(16, SUNDAY))
    assert holiday == []
    off = calendar.day_off(school, day(15, 2))
    assert off is not None and off.why == "outside the term dates" and off.next_school_day == SPRING_STARTS
    assert calendar.school_days_between(school, day(16, FRIDAY), day(17, 1)) == [SPRING_STARTS, day(17, 1)]


def test_it_keeps_the_last_day_of_term_and_starts_again_with_the_next_term(school):
    """The term's last Friday is a school day; the next is the first day of the next term."""
    assert calendar.is_school_day(school, LAST_DAY_OF_AUTUMN)
    assert not calendar.is_school_day(school, LAST_DAY_OF_AUTUMN + datetime.timedelta(days=3))
    assert calendar.next_school_day(school, LAST_DAY_OF_AUTUMN) == SPRING_STARTS
    # Counting back over the holiday: 5 school days before the spring term's third day reach into autumn.
    assert calendar.school_days_before(school, day(17, 2), 5) == day(14, 2)


def test_it_shuts_one_site_without_shutting_the_school(school):
    """A closure of the north site: not a school day there, but one for the school and the south site."""
    wednesday = day(3, 2)
    Closure.objects.create(
        organisation=school,
        site=school.north,
        kind=Closure.Kind.UNEXPECTED,
        starts_on=wednesday,
        ends_on=wednesday,
        reason="Heating failure",
    )
    assert not calendar.is_school_day(school, wednesday, site=school.north)
    assert calendar.is_school_day(school, wednesday, site=school.south.pk)
    assert calendar.is_school_day(school, wednesday)
    assert calendar.calendar_for(school, wednesday, wednesday).closed_sites(wednesday) == {school.north.pk}
    off = calendar.day_off(school, wednesday, site=school.north)
    assert off is not None and off.why == "Heating failure" and off.next_school_day == day(3, 3)
    assert len(calendar.school_days_between(school, day(3), day(3, FRIDAY), site=school.north)) == 4


def test_it_names_a_whole_school_closure_before_a_sites_own(school):
    """When the whole school and a site are both shut, the whole-school closure is the reason given."""
    friday = day(4, FRIDAY)
    Closure.objects.create(
        organisation=school, site=school.north, kind=Closure.Kind.PLANNED, starts_on=friday, ends_on=friday
    )
    Closure.objects.create(organisation=school, kind=Closure.Kind.INSET, starts_on=friday, ends_on=friday)
    assert (
        calendar.calendar_for(school, friday, friday).why_not(friday, school.north) == "INSET / training day"
    )


def test_it_counts_weekdays_less_closures_in_a_year_without_term_dates(school):
    """No terms recorded for 2027-28: its weekdays count, less closures; 2026-27's terms do not govern it."""
    monday = datetime.date(2027, 9, 6)
    Closure.objects.create(organisation=school, kind=Closure.Kind.INSET, starts_on=monday, ends_on=monday)
    assert calendar.school_days_between(school, monday, monday + datetime.timedelta(days=6)) == [
        monday + datetime.timedelta(days=n) for n in range(1, 5)
    ]
    # In the summer holiday of the recorded year, the next school day is the first weekday of the unrecorded one
    # that no closure takes.
    assert calendar.next_school_day(school, datetime.date(2027, 8, 30)) == datetime.date(2027, 9, 1)
    other = OrganisationFactory(name="No Terms School")
    assert calendar.is_school_day(other, day(15, 2))  # another school's terms are not this one's


def test_it_loads_a_years_calendar_in_two_queries(school, django_assert_num_queries):
    """One query for the terms, one for the closures, however many days are asked about."""
    with django_assert_num_queries(2):
        days = calendar.school_days_between(school, datetime.date(2026, 9, 1), datetime.date(2027, 8, 31))
    # 15 weeks of autumn less the half-term week, 11 weeks of spring: 25 weeks of 5 days.
    assert len(days) == 25 * 5 and days[0] == AUTUMN_STARTS and days[-1] == LAST_DAY_OF_SPRING


def test_it_refuses_a_day_outside_the_loaded_range(school):
    """A calendar loaded for a week cannot answer for a day outside it (it would answer wrongly)."""
    week = calendar.calendar_for(school, day(2), day(2, FRIDAY))
    with pytest.raises(ValueError):
        week.is_school_day(day(3))
