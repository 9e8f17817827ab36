"""The school calendar: term dates and closures, kept by the school administrator."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from core.testing.factories import AcademicYearFactory, TermFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from organisations.models import Closure, Term

pytestmark = pytest.mark.django_db


world = shared_world()


def test_it_records_a_closure_and_shows_it(world):
    client = client_for(world.admin)
    response = client.post(
        reverse("organisations:closure_add"),
        {"kind": "inset", "starts_on": "2026-11-27", "ends_on": "2026-11-27", "reason": "Training"},
    )
    assert response.status_code == 302
    assert "Training" in client.get(reverse("organisations:calendar")).content.decode()


def test_it_refuses_a_closure_ending_before_it_starts(world):
    response = client_for(world.admin).post(
        reverse("organisations:closure_add"),
        {"kind": "inset", "starts_on": "2026-11-27", "ends_on": "2026-11-20"},
    )
    assert "cannot end before it starts" in response.content.decode()
    assert not Closure.objects.exists()


def test_it_refuses_a_second_autumn_term_with_a_clear_message(world):
    year = AcademicYearFactory()
    TermFactory(organisation=world.school, academic_year=year)
    response = client_for(world.admin).post(
        reverse("organisations:term_add"),
        {"academic_year": year.pk, "kind": "autumn", "starts_on": "2026-09-02", "ends_on": "2026-12-18"},
    )
    assert "already recorded" in response.content.decode()
    assert Term.objects.count() == 1


def test_it_refuses_calendar_edits_to_a_tutor(world):
    client = client_for(world.tutor)
    assert client.get(reverse("organisations:calendar")).status_code == 200
    assert client.get(reverse("organisations:term_add")).status_code == 403
    assert client.get(reverse("organisations:closure_add")).status_code == 403


@outsider_test("organisations:term_edit", "organisations:closure_delete")
def test_it_hides_another_schools_calendar_records(world):
    term = TermFactory(organisation=world.school)
    closure = Closure.objects.create(
        organisation=world.school,
        kind="inset",
        starts_on=datetime.date(2026, 11, 27),
        ends_on=datetime.date(2026, 11, 27),
    )
    client = client_for(world.other_admin)
    assert_outsider_404(client, reverse("organisations:term_edit", args=[term.pk]))
    assert_outsider_404(client, reverse("organisations:closure_delete", args=[closure.pk]), method="post")
    assert Closure.objects.filter(pk=closure.pk).exists()
