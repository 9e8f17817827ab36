"""Time the MIS import of a year of attendance marks (JSON out).

    manage.py bench_import                   # 1,000 pupils × 190 days × 2 sessions = 380,000 rows
    manage.py bench_import --smoke           # 30 pupils × 5 days: proves it runs (CI)

Three files go through the same work the background tasks do (`mis_import.services.job_check`, then
`job_commit`): a year of new marks, the same year with one mark in twenty changed (amendments), and the same
file again (nothing changes). Each is timed from the stored upload to the committed transaction. The target:
a year of marks for a 1,000-pupil school checks and imports in at most 60 seconds.
"""

from __future__ import annotations

import datetime
import random
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from access.models import RoleAssignment
from access.roles import Role
from accounts.models import User
from attendance import rollup
from attendance.models import AttendanceMark, AttendanceRollup, MarkAmendment
from bench.common import machine, school_days, write_report
from mis_import.models import ImportJob
from mis_import.samples import make_upn, to_csv
from mis_import.services import job_check, job_commit
from organisations.models import Organisation
from people.models import Pupil

SLUG = "bench-import-school"
TARGET_SECONDS = 60
ABSENCES = ["I", "I", "M", "N", "O", "G", "C", "R"]


class Command(BaseCommand):
    help = "Time the import of a year of attendance marks through the MIS import (check, then import)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--pupils", type=int, default=1000)
        parser.add_argument("--days", type=int, default=190, help="School days of marks (190 = a year).")
        parser.add_argument("--smoke", action="store_true", help="30 pupils × 5 days: proves it runs.")
        parser.add_argument("--output", default="", help="Also write the JSON here.")

    def handle(self, *args: Any, pupils: int, days: int, smoke: bool, output: str, **options: Any) -> None:
        if smoke:
            pupils, days = 30, 5
        dates = school_days(datetime.date(2026, 7, 17), days)  # a school year ending on a fixed Friday
        school, officer, upns = self._build(pupils)
        rng = random.Random(20260901)
        codes = {
            (upn, day, session): (
                rng.choice(ABSENCES) if rng.random() < 0.06 else ("/" if session == "AM" else "\\")
            )
            for upn in upns
            for day in dates
            for session in ("AM", "PM")
        }
        report: dict[str, Any] = {}
        try:
            report["new_year"] = self._run(school, officer, codes)
            changed = dict(codes)
            for key in rng.sample(sorted(changed), len(changed) // 20):
                changed[key] = "M" if changed[key] != "M" else "I"
            report["amend_one_in_twenty"] = self._run(school, officer, changed)
            report["same_file_again"] = self._run(school, officer, changed)
            report["marks_in_database"] = AttendanceMark.objects.filter(organisation=school).count()
            report["rollup_exact"] = rollup.differences(organisation_ids=[school.pk]) == []
        finally:
            self._drop(school)
        report["dataset"] = {"pupils": pupils, "school_days": len(dates), "rows": len(codes)}
        report["target_seconds"] = TARGET_SECONDS
        report["within_target"] = report["new_year"]["total_seconds"] <= TARGET_SECONDS
        report["machine"] = machine()
        write_report(self.stdout, report, output)

    def _build(self, count: int) -> tuple[Organisation, User, list[str]]:
        school, _ = Organisation.objects.get_or_create(
            slug=SLUG, defaults={"name": "Bench Import School", "kind": Organisation.Kind.SCHOOL}
        )
        self._drop(school)
        officer, _ = User.objects.get_or_create(
            email="bench-import-officer@bench.test", defaults={"full_name": "Bench import officer"}
        )
        RoleAssignment.objects.create(
            organisation=school,
            user=officer,
            role=Role.ATTENDANCE_OFFICER,
            starts_on=datetime.date(2025, 9, 1),
        )
        upns = [make_upn(n + 1, la=999, establishment=9999) for n in range(count)]
        Pupil.objects.bulk_create(
            [
                Pupil(
                    organisation=school,
                    upn=upn,
                    legal_first_name=f"P{n}",
                    legal_last_name="Bench",
                    date_of_birth=datetime.date(2012, 1, 1),
                    year_group=7 + n % 5,
                )
                for n, upn in enumerate(upns)
            ],
            batch_size=1000,
        )
        return school, officer, upns

    def _run(
        self, school: Organisation, officer: User, codes: dict[tuple[str, datetime.date, str], str]
    ) -> dict:
        """Store the file as an upload would, then check and import it as the two background tasks do."""
        rows = [
            [upn, f"{day:%Y-%m-%d}", session, code, "5" if code == "L" else ""]
            for (upn, day, session), code in codes.items()
        ]
        content = to_csv(["UPN", "Date", "Session", "Mark", "Minutes Late"], rows).encode()
        # Created directly (not `job_create`): the work is run here, not queued for a worker.
        job = ImportJob.objects.create(
            organisation=school, uploaded_by=officer, kind="marks", filename="year.csv", content=content
        )
        started, cpu = time.perf_counter(), time.process_time()
        checked = job_check(job_id=job.pk)
        check_seconds, check_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert checked.status == ImportJob.Status.READY, checked.errors[:3]
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, imported_by=officer)
        started, cpu = time.perf_counter(), time.process_time()
        imported = job_commit(job_id=job.pk)
        import_seconds, import_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert imported.status == ImportJob.Status.IMPORTED, imported.errors[:3]
        summary = imported.summary
        return {
            "megabytes": round(len(content) / 1024 / 1024, 1),
            "check_seconds": round(check_seconds, 2),
            "import_seconds": round(import_seconds, 2),
            "total_seconds": round(check_seconds + import_seconds, 2),
            "rows_per_second": round(len(rows) / (check_seconds + import_seconds)),
            # This process's own CPU (the database server's is not in it on PostgreSQL): on a shared machine
            # the wall-clock time above also holds the time spent waiting for a core.
            "check_cpu_seconds": round(check_cpu, 2),
            "import_cpu_seconds": round(import_cpu, 2),
            "new": summary["new"],
            "updated": summary["updated"],
            "unchanged": summary["unchanged"],
        }

    def _drop(self, school: Organisation) -> None:
        """Remove the bench rows; the organisation and user stay (the append-only audit log refers to them)."""
        alias = connection.alias
        with transaction.atomic():
            for model in (AttendanceMark, AttendanceRollup, MarkAmendment, ImportJob, RoleAssignment, Pupil):
                model.objects.filter(organisation=school)._raw_delete(alias)
