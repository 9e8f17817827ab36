"""The demo world reads true: titles, relationships and term dates agree with each other."""

from __future__ import annotations

import datetime

import pytest

from demo import names
from organisations.models import Term
from people.models import PupilContact, StaffMember

pytestmark = pytest.mark.django_db


def _titles_for(first_name: str) -> tuple[str, ...]:
    assert first_name in names.GIRLS + names.BOYS, first_name
    return names.ADULT_TITLES_F if first_name in names.GIRLS else names.ADULT_TITLES_M


def test_it_keeps_the_girls_and_boys_name_lists_apart():
    """A first name says which titles fit only while no name is on both lists."""
    assert not set(names.GIRLS) & set(names.BOYS)


def test_it_gives_staff_titles_that_agree_with_their_first_names(world):
    """No "Mr Olivia" or "Ms Mohammed": a title comes from the list the first name came from."""
    staff = StaffMember.objects.filter(organisation__in=world.schools).exclude(title="")
    assert staff.count() > 50
    for member in staff:
        assert member.title in _titles_for(member.first_name), f"{member.title} {member.first_name}"


def test_it_gives_parents_relationships_that_agree_with_their_titles(world):
    """No "Mrs Elsie Berry (Father)": mothers are women, fathers men, and each title fits the first name."""
    links = PupilContact.objects.filter(organisation__in=world.schools).select_related("contact")
    assert {"mother", "father"} <= set(links.values_list("relationship", flat=True))
    for link in links:
        contact = link.contact
        assert contact.title in _titles_for(contact.first_name), str(contact)
        if link.relationship == "mother":
            assert contact.first_name in names.GIRLS, str(contact)
        if link.relationship == "father":
            assert contact.first_name in names.BOYS, str(contact)


def test_it_starts_and_ends_every_term_of_every_demo_year_on_a_weekday(world):
    """Every term of every year the demo records (next year's included) starts on a Monday and ends on a Friday."""
    terms = Term.objects.filter(organisation__in=world.schools)
    assert terms.filter(academic_year__starts_on__gt=world.academic_year.starts_on).exists()
    for term in terms:
        assert term.starts_on.weekday() == 0, term
        assert term.ends_on.weekday() == 4, term


def test_it_keeps_this_years_term_dates(world):
    """This year's terms (which the attendance figures and school-day counts come from) are as before: the
    weekend end dates moved back to their Fridays, losing no school day."""
    terms = Term.objects.filter(organisation=world.main_school, academic_year=world.academic_year)
    assert [(t.kind, t.starts_on, t.ends_on) for t in terms.order_by("starts_on")] == [
        ("autumn", datetime.date(2026, 9, 7), datetime.date(2026, 12, 18)),
        ("spring", datetime.date(2027, 1, 11), datetime.date(2027, 3, 26)),
        ("summer", datetime.date(2027, 4, 19), datetime.date(2027, 7, 16)),
    ]
