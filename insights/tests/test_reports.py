"""The governors' termly report: made in the background with its progress, audited, downloadable; a failure is
kept on the report; only senior leaders of the school reach it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from insights.models import GovernorsReport

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 9, 1), datetime.date(2026, 11, 27)
TERM = {"starts_on": "2026-09-01", "ends_on": "2026-11-27"}


def _ask(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.senior).post(reverse("insights:reports"), TERM)
    assert response.status_code == 302
    return GovernorsReport.objects.get()


def test_it_makes_the_report_in_the_background_and_offers_the_pdf(world, django_capture_on_commit_callbacks):
    report = _ask(world, django_capture_on_commit_callbacks)
    assert report.status == "done" and report.steps_done == report.steps_total == 3
    assert bytes(report.pdf).startswith(b"%PDF")
    client = client_for(world.senior)
    assert "Download the PDF" in client.get(reverse("insights:report", args=[report.pk])).content.decode()
    download = client.get(reverse("insights:report_download", args=[report.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="export", object_id=str(report.pk)).exists()
    assert AuditEvent.objects.filter(action="create", object_id=str(report.pk)).exists()


def test_its_figures_are_suppressed_and_count_no_restricted_indicator(world):
    """Oakfield has 4 students this term: every figure of the school's row is "<5"."""
    from insights.selectors.report import report_context

    steps = []
    context = report_context(world.senior, world.school, *_dates(), steps.append)
    assert len(steps) == 3
    this_term = context["headlines"][0]
    assert this_term["students"] == "<5" and this_term["flagged"] == "<5"
    assert [p.label for p in context["periods"]][1:] == ["The period before", "A year earlier"]


def _dates():
    import datetime

    return datetime.date(2026, 9, 1), datetime.date(2026, 11, 27)


def test_it_keeps_a_failure_on_the_report(world, django_capture_on_commit_callbacks, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no figures")

    monkeypatch.setattr("insights.selectors.report.report_context", broken)
    report = _ask(world, django_capture_on_commit_callbacks)
    assert report.status == "failed" and report.error == "RuntimeError" and not report.pdf
    page = client_for(world.senior).get(reverse("insights:report", args=[report.pk])).content.decode()
    assert "Something went wrong" in page
    assert (
        client_for(world.senior).get(reverse("insights:report_download", args=[report.pk])).status_code == 404
    )


def test_the_progress_bar_follows_a_report_being_made(world):
    report = GovernorsReport.objects.create(
        organisation=world.school,
        starts_on=START,
        ends_on=END,
        requested_by=world.senior,
        status="running",
        steps_done=1,
        steps_total=3,
    )
    response = client_for(world.senior).get(reverse("insights:report_status", args=[report.pk]))
    assert (
        '<progress id="report-progress-bar"' in response.content.decode()
        and 'value="1"' in response.content.decode()
    )


def test_only_a_senior_leader_asks_for_or_reads_a_report(world):
    report = GovernorsReport.objects.create(
        organisation=world.school, starts_on=START, ends_on=END, requested_by=world.senior
    )
    for user in (world.head_of_year9, world.pal):
        client = client_for(user)
        assert client.get(reverse("insights:reports")).status_code == 403
        assert client.get(reverse("insights:report", args=[report.pk])).status_code == 403


@outsider_test("insights:report", "insights:report_status", "insights:report_download")
def test_it_hides_a_report_from_another_school(world):
    report = GovernorsReport.objects.create(
        organisation=world.school, starts_on=START, ends_on=END, requested_by=world.senior
    )
    client = client_for(world.outsider)
    for name in ("insights:report", "insights:report_status", "insights:report_download"):
        assert_outsider_404(client, reverse(name, args=[report.pk]))
