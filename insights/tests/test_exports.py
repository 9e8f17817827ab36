"""Every table of the dashboard downloads as CSV or Excel, as the viewer sees it, audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.personas import client_for

pytestmark = pytest.mark.django_db


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_exports_the_breakdown_and_trends_as_csv(world):
    client = client_for(world.senior)
    url = reverse("insights:dashboard")
    rows = {r["Year group"]: r for r in _csv(client.get(url, {"by": "year", "export": "breakdown"}))}
    assert rows["Year 9"]["Students"] == "3" and rows["Year 9"]["Attendance %"] == "85.0"
    assert rows["Year 10"]["Suspensions"] == "1"
    weeks = _csv(client.get(url, {"export": "attendance_trend"}))
    assert [w["Week beginning"] for w in weeks] == ["2026-11-16", "2026-11-23"]
    months = _csv(client.get(url, {"export": "behaviour_trend"}))
    assert months == [{"Month": "2026-11", "Positive behaviour": "1", "Negative incidents": "2"}]
    assert AuditEvent.objects.filter(action="export", note__startswith="insights breakdown").exists()


def test_it_exports_as_xlsx(world):
    response = client_for(world.head_of_year9).get(
        reverse("insights:dashboard"), {"export": "headline", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
