"""The benchmark command runs end to end at a tiny scale (the full run is on demand: docs/performance.md)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from attendance.models import AttendanceMark
from organisations.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_builds_a_small_trust_and_reports_every_measurement_as_json():
    out = io.StringIO()
    call_command(
        "bench_attendance",
        scale=0.03,
        schools=2,
        days=5,
        iterations=3,
        seconds=0.3,
        workers=1,
        rounds=2,
        stdout=out,
    )
    report = json.loads(out.getvalue())
    for key in (
        "register_save",
        "school_dashboard",
        "trust_persistent_list",
        "hand_sql_trust_list",
        "pupil_history",
    ):
        assert report[key]["n"] >= 3 and 0 < report[key]["median_ms"] <= report[key]["p95_ms"]
    assert report["dataset"]["marks"] == 2 * 30 * 5 * 2
    assert report["trust_list_ratio_to_hand_sql"] > 0
    sustained = report["sustained_saves"]
    assert sustained["saves"] >= 1 and sustained["web_cpu_ms_per_save"] > 0
    assert sustained["rounds"] == 2 and report["signed_in_request_floor"]["rounds"] == 2
    assert sustained["db_cpu_ms_per_save"] is None or sustained["db_cpu_ms_per_save"] >= 0
    floor = report["signed_in_request_floor"]
    assert floor["requests"] >= 1 and floor["web_cpu_ms_per_request"] > 0
    if connection.vendor == "postgresql":
        writes = report["save_writes_floor"]
        assert writes["saves"] >= 1 and (
            writes["db_cpu_ms_per_save"] is None or writes["db_cpu_ms_per_save"] >= 0
        )
    else:
        assert "save_writes_floor" not in report
    assert report["trust_persistent_count"] >= 1
    # the bench data is removed afterwards (organisations stay: the audit log refers to them)
    assert not AttendanceMark.objects.filter(organisation__slug__startswith="bench-").exists()
    assert Organisation.objects.filter(slug="bench-trust").exists()
