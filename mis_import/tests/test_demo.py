"""The demo builder leaves a history of imports for the main school's administrator."""

from __future__ import annotations

import datetime
import random

import pytest
from django.urls import reverse

from core.testing.personas import build_school_world, client_for
from demo.registry import DemoWorld, builders
from mis_import.demo import build_demo_imports
from mis_import.models import ImportJob
from organisations.models import AcademicYear

pytestmark = pytest.mark.django_db


def test_it_records_this_years_imports_for_the_main_school():
    people = build_school_world()
    year = AcademicYear.objects.create(
        name="2026-27", starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 8, 31)
    )
    world = DemoWorld(
        rng=random.Random(1),
        today=datetime.date(2026, 11, 23),
        scale=1,
        academic_year=year,
        previous_year=None,
        provider=None,
        university=None,
        schools=[people.school],
        main_school=people.school,
        users={"school_admin": people.admin},
    )
    assert "mis_import" in [name for _, name, _ in builders()]
    build_demo_imports(world)
    jobs = ImportJob.objects.filter(organisation=people.school).order_by("created_at")
    assert [j.kind for j in jobs] == ["staff", "pupils", "contacts", "groups"]
    assert jobs[1].summary["new"] == 4 and jobs[1].status == ImportJob.Status.IMPORTED
    assert all(j.created_at.date() == year.starts_on for j in jobs)
    page = client_for(people.admin).get(reverse("mis_import:index")).content.decode()
    assert "pupils-2026-09.csv" in page
