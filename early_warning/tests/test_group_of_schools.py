"""A group of schools' leaders see every member school's list; a member school's leader sees only their own."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from core.testing.clock import fixed_clock
from core.testing.factories import PupilFactory
from core.testing.personas import build_group_of_schools, client_for
from early_warning.tests.helpers import AT, sessions

pytestmark = pytest.mark.django_db


def test_it_lists_every_member_school_for_the_group_and_one_for_a_member(monkeypatch):
    fixed_clock(monkeypatch, AT)
    vale = build_group_of_schools("North School", "South School")
    leader, head = vale.leader, vale.head
    pupils = {}
    for school in vale.schools:
        pupil = PupilFactory(organisation=school, legal_first_name=f"{school.name.split()[0]}kid")
        sessions(pupil, datetime.date(2026, 11, 16), ["/"] * 10 + ["I"] * 10)  # 50% absent: 3 + 2 + 4 = 9
        pupils[school.slug] = pupil
    response = client_for(leader).get(reverse("early_warning:list"))
    assert {(e.pupil.first_name, e.pupil.organisation.name) for e in response.context["page_obj"]} == {
        ("Northkid", "North School"),
        ("Southkid", "South School"),
    }
    assert '<th scope="col">School</th>' in response.content.decode()
    only_north = client_for(head).get(reverse("early_warning:list"))
    assert [e.pupil.first_name for e in only_north.context["page_obj"]] == ["Northkid"]
    assert client_for(head).get(reverse("early_warning:pupil", args=[pupils["south"].pk])).status_code == 404
    assert (
        client_for(leader).get(reverse("early_warning:pupil", args=[pupils["south"].pk])).status_code == 200
    )


def test_a_group_leader_is_pointed_to_a_school_for_its_thresholds_and_a_head_is_linked_to_them(monkeypatch):
    fixed_clock(monkeypatch, AT)
    settings_link = f'href="{reverse("early_warning:settings")}"'
    group_page, school_page = build_group_of_schools("North School").pages(reverse("early_warning:list"))
    assert settings_link not in group_page
    assert "Each school sets its own thresholds and weights: switch to the school" in group_page
    assert settings_link in school_page and "switch to the school" not in school_page
