"""A school's and a college's own words and year groups in filters, headings and search boxes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.testing.personas import build_school_world, client_for
from organisations.models import Organisation
from organisations.vocabulary import vocabulary_for, year_choices, year_label, years_for

pytestmark = pytest.mark.django_db


def _org(kind: str = Organisation.Kind.SCHOOL, phase: str = "", slug: str = "x") -> Organisation:
    return Organisation.objects.create(name=slug.title(), slug=slug, kind=kind, phase=phase)


def _options(body: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no <select name={select_name}>"
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def test_it_offers_a_secondary_school_years_7_to_13_only():
    school = _org(phase=Organisation.Phase.SENIOR)
    assert years_for([school]) == [7, 8, 9, 10, 11, 12, 13]
    labels = [label for _, label in year_choices([school], blank="Any year")]
    assert labels[0] == "Any year" and labels[1] == "Year 7" and labels[-1] == "Year 13"
    assert "Reception" not in labels and "Year 6" not in labels


def test_it_offers_a_junior_school_reception_to_year_8():
    assert years_for([_org(phase=Organisation.Phase.JUNIOR)]) == list(range(0, 9))


def test_it_offers_every_year_when_the_phase_is_not_recorded():
    assert years_for([_org()]) == list(range(0, 15))


def test_it_gives_a_group_of_schools_its_members_years():
    group = _org(kind=Organisation.Kind.GROUP, slug="trust")
    junior = _org(phase=Organisation.Phase.JUNIOR, slug="junior")
    senior = _org(phase=Organisation.Phase.SENIOR, slug="senior")
    Organisation.objects.filter(pk__in=[junior.pk, senior.pk]).update(parent=group)
    assert years_for([group]) == list(range(0, 14))


def test_it_names_a_colleges_learners_students_and_their_years_by_course_year():
    college = _org(kind=Organisation.Kind.COLLEGE, slug="college")
    words = vocabulary_for(college)
    assert (words.pupil, words.Pupils, words.identifier) == ("student", "Students", "ULN")
    assert years_for([college]) == [12, 13, 14]
    assert [label for _, label in year_choices([college], blank="Any")][1:] == [
        "First year (16–17)",
        "Second year (17–18)",
        "Adult learners (19+)",
    ]
    assert year_label(13) == "Year 13" and year_label(0) == "Reception"


def test_it_keeps_a_schools_words_when_no_organisation_is_chosen():
    words = vocabulary_for(None)
    assert (words.Pupil, words.pupils, words.identifier) == ("Pupil", "pupils", "UPN")


def test_the_figures_page_of_a_secondary_school_offers_no_primary_years():
    world = build_school_world()
    Organisation.objects.filter(pk=world.school.pk).update(phase=Organisation.Phase.SENIOR)
    body = client_for(world.attendance_officer).get(reverse("attendance:dashboard")).content.decode()
    options = _options(body, "year")
    assert options[0] == "All years" and options[1] == "Year 7" and options[-1] == "Year 13"
    assert "Reception" not in options


def test_a_college_shows_students_and_searches_by_uln():
    world = build_school_world()
    Organisation.objects.filter(pk=world.school.pk).update(kind=Organisation.Kind.COLLEGE)
    world.alice.uln = "1234567890"
    world.alice.save(update_fields=["uln"])
    client = client_for(world.head_of_year9)
    body = client.get(reverse("people:pupil_list")).content.decode()
    assert "<h1>Students</h1>" in body and "Name or ULN" in body and "UPN" not in body
    assert ">Students</a>" in body  # the navigation link too
    assert "Second year (17–18)" in _options(body, "year")
    found = client.get(reverse("people:pupil_list"), {"q": "1234567890"}).content.decode()
    assert "Alice" in found and "Ben" not in found


def test_a_school_still_shows_pupils_and_upn():
    world = build_school_world()
    body = client_for(world.head_of_year9).get(reverse("people:pupil_list")).content.decode()
    assert "<h1>Pupils</h1>" in body and "Name or UPN" in body and ">Pupils</a>" in body
