"""`bin/pastoral bench --smoke` runs every app's benchmark and prints one JSON report."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_reports_every_benchmark_as_json():
    out = io.StringIO()
    call_command("bench", "--smoke", stdout=out)
    report = json.loads(out.getvalue())
    assert set(report) == {
        "bench_attendance",
        "bench_portfolios",
        "bench_import",
        "bench_safeguarding",
        "bench_insights",
        "bench_caseloads",
        "bench_early_warning",
    }
    assert all("status" not in part for part in report.values()), report
    marks = report["bench_import"]
    assert marks["new_year"]["new"] == marks["dataset"]["rows"] == 30 * 5 * 2 and marks["rollup_exact"]
