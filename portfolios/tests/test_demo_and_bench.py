"""The demo builder (order 35, on top of the qualifications builder) and the benchmark command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from core.testing.factories import AcademicYearFactory
from demo.registry import builders
from portfolios.demo import build_demo
from portfolios.models import Certificate, Entry, MentorMeeting, Portfolio
from qualifications.demo import build_demo as build_qualifications_demo
from qualifications.tests.test_demo import small_world

pytestmark = pytest.mark.django_db


def test_it_registers_the_builder_at_order_35() -> None:
    assert [order for order, name, _ in builders() if name == "portfolios"] == [35]


def test_it_builds_portfolios_meetings_logins_and_a_certified_portfolio() -> None:
    import datetime

    world = small_world()
    world.previous_year = AcademicYearFactory(
        name="2025-26", starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2026, 8, 31)
    )
    build_qualifications_demo(world)
    build_demo(world)
    enrolments = [e for e in world.extra["enrolments"] if e.status == "enrolled"]
    assert enrolments and Portfolio.objects.filter(enrolment__in=enrolments).count() == len(enrolments)
    assert Entry.objects.filter(portfolio__enrolment__in=enrolments).exists()
    assert MentorMeeting.objects.exists()
    assert {"reviewer", "moderator"} <= set(world.users)
    assert any(login.email == world.users["moderator"].email for login in world.logins)
    coaching = Entry.objects.filter(activity__requires_difficult_issue=True, status=Entry.Status.COMPLETE)
    assert coaching.count() == 3 and coaching.filter(difficult_issue="yes").count() == 1
    assert coaching.first().portfolio.enrolment.edition.programme.code == "ISQAM"
    cert = Certificate.objects.get()
    assert cert.portfolio.enrolment.edition.academic_year == world.previous_year
    assert cert.portfolio.enrolment.status == "completed"  # the certificate completed the place
    page = Client().get(f"/portfolios/verify/{cert.code}/").content.decode()
    assert "Valid" in page and "Grace Holloway" in page


def test_it_benchmarks_the_portfolio_page() -> None:
    """Smoke run at small size: JSON with median and p95 through the real view; nothing left behind."""
    out = StringIO()
    call_command("bench_portfolios", "--entries", "6", "--iterations", "3", stdout=out)
    report = json.loads(out.getvalue())
    assert report["entries"] == 6 and report["portfolio_page"]["n"] == 3
    assert report["portfolio_page"]["p95_ms"] >= report["portfolio_page"]["median_ms"] > 0
    assert not Portfolio.objects.exists()
