"""`manage.py retention` runs every app's registered job, each after the jobs it names, with the same options the
four commands it replaced had: a dry run unless --apply, --organisation, --date."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.retention import RETENTION_JOBS, register_retention, retention_jobs
from core.testing.personas import build_school_world

pytestmark = pytest.mark.django_db


def test_it_knows_every_apps_job_and_runs_audit_after_the_jobs_that_write_summaries():
    keys = [job.key for job in retention_jobs()]
    assert sorted(keys) == ["attendance", "audit", "caseload_reports", "pastoral", "safeguarding", "sign_in"]
    assert keys.index("audit") > keys.index("attendance") and keys.index("audit") > keys.index("pastoral")


def test_it_orders_jobs_by_after_and_refuses_a_circle(monkeypatch):
    monkeypatch.setattr("core.retention.RETENTION_JOBS", {})
    noop = {"line": lambda *a: None, "total": lambda *a: ""}
    register_retention("b", print, print, after=("c",), **noop)
    register_retention("a", print, print, after=("b",), **noop)
    register_retention("c", print, print, **noop)
    assert [job.key for job in retention_jobs()] == ["c", "b", "a"]
    assert [job.key for job in retention_jobs(["a", "c"])] == ["c", "a"]
    register_retention("c", print, print, after=("a",), **noop)
    with pytest.raises(ValueError, match="circle"):
        retention_jobs()


def test_a_dry_run_writes_every_jobs_total_and_nothing_else_changes():
    build_school_world()
    out = StringIO()
    call_command("retention", "--date", "2032-03-10", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "Total: 0 amendment(s), 0 contact log(s), 0 mark(s), 0 register(s) to delete (dry run: add --apply).",
        "Total: 0 PSP(s), 0 incident(s), 0 suspension(s), 0 report card(s) to delete (dry run: add --apply); "
        "the leavers' names to take out of 0 incident(s) kept for other pupils.",
        "Total: 0 audit event(s) to delete (dry run: add --apply); 0 kept for pupils under a retention hold.",
        "Total: 0 report ZIP(s) to delete (dry run: add --apply); the batches stay, marked expired.",
        "Total: 0 safeguarding file(s) to list for review (dry run: add --apply) (none deleted).",
        "0 sign-in attempt(s) older than 90 days to delete (dry run: add --apply).",
    ]


def test_one_organisation_skips_the_people_job_and_an_unknown_one_or_job_is_refused():
    build_school_world()
    out = StringIO()
    call_command(
        "retention", "--organisation", "oakfield", "--only", "sign_in", "--only", "audit", stdout=out
    )
    assert out.getvalue().splitlines() == [
        "Total: 0 audit event(s) to delete (dry run: add --apply); 0 kept for pupils under a retention hold."
    ]
    with pytest.raises(CommandError, match="No organisation with slug 'nowhere'"):
        call_command("retention", "--organisation", "nowhere", stdout=StringIO())
    with pytest.raises(CommandError, match="No retention job behavior"):
        call_command("retention", "--only", "behavior", stdout=StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "retention", "--date", datetime.date(2032, 3, 10).strftime("%d/%m/%Y"), stdout=StringIO()
        )
    assert set(RETENTION_JOBS) == {
        "attendance",
        "audit",
        "caseload_reports",
        "pastoral",
        "safeguarding",
        "sign_in",
    }
