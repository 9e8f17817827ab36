"""Time the portfolio page of a portfolio with 40 entries through the real view (JSON out).

    manage.py bench_portfolios                   # 40 entries, 50 timed requests
    manage.py bench_portfolios --entries 5 --iterations 3     # a quick smoke run

The dataset (a provider, a school, a programme, one enrolment and its entries) is built inside a transaction that
is rolled back afterwards unless --keep is given. Server time is measured around django.test.Client requests
through the real URL, middleware and view (no network). Target: p95 under 100 ms on SQLite.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client

from access.models import RoleAssignment
from access.roles import Role
from accounts.models import User
from bench.common import rolled_back, stats, write_report
from organisations.models import Organisation
from portfolios import services
from portfolios.fixtures import build_programme, enrol
from qualifications.models import Activity

TARGET_P95_MS = 100


class Command(BaseCommand):
    help = "Report median/p95 server time of a portfolio page with N entries (JSON)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--entries", type=int, default=40)
        parser.add_argument("--iterations", type=int, default=50)
        parser.add_argument(
            "--keep", action="store_true", help="Keep the dataset instead of rolling it back."
        )
        parser.add_argument("--output", default="", help="Also write the JSON here.")

    def handle(self, *args: Any, **opts: Any) -> None:
        result = rolled_back(lambda: self._run(opts["entries"], opts["iterations"]), keep=opts["keep"])
        write_report(self.stdout, result, opts["output"])

    def _run(self, entries: int, iterations: int) -> dict[str, Any]:
        tag = secrets.token_hex(4)
        provider = Organisation.objects.create(
            name="Bench provider", slug=f"bench-prov-{tag}", kind="provider"
        )
        university = Organisation.objects.create(
            name="Bench university", slug=f"bench-uni-{tag}", kind="university"
        )
        school = Organisation.objects.create(name="Bench school", slug=f"bench-school-{tag}", kind="school")
        programme = build_programme(
            provider=provider, university=university, year_start=2090 + secrets.randbelow(9), code="PLQ"
        )
        participant = User.objects.create(email=f"bench-p-{tag}@example.test", full_name="Bench Participant")
        mentor = User.objects.create(email=f"bench-m-{tag}@example.test", full_name="Bench Mentor")
        for user, role in ((participant, Role.PARTICIPANT), (mentor, Role.MENTOR)):
            RoleAssignment.objects.create(organisation=school, user=user, role=role)
        portfolio = services.portfolio_for_enrolment(
            enrolment=enrol(
                cluster=programme.clusters[0], school=school, participant=participant, mentor=mentor
            )
        )
        activities = list(
            Activity.objects.filter(module__level=programme.level1).order_by("module__number", "position")
        )
        made, sequence = 0, 1
        while made < entries:
            for activity in activities:
                if made >= entries:
                    break
                if sequence > 1 and activity.kind != Activity.Kind.MINIMUM:
                    continue
                entry = services.entry_save(
                    actor=participant,
                    portfolio=portfolio,
                    activity=activity,
                    sequence=sequence,
                    body="<p>" + "A paragraph of reflective writing about pastoral practice. " * 40 + "</p>",
                    record={"focus": "Wellbeing", "observed": "Calm routines"},
                    complete=sequence % 2 == 1,
                    alternative=(activity.alternatives or [""])[0],
                    difficult_issue="yes" if activity.requires_difficult_issue else "",
                )
                services.comment_add(actor=mentor, entry=entry, body="A helpful comment from the mentor.")
                made += 1
            sequence += 1
        client = Client()
        client.force_login(participant)
        timings: dict[str, dict[str, float]] = {}
        for name, url in (
            ("portfolio_page", f"/portfolios/{portfolio.pk}/"),
            ("module_page", f"/portfolios/{portfolio.pk}/module/3/"),
        ):
            assert client.get(url).status_code == 200, url  # warm up
            samples = []
            for _ in range(iterations):
                start = time.perf_counter()
                response = client.get(url)
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200
            timings[name] = stats(samples)
        return {
            "benchmark": "portfolios",
            "database": connection.vendor,
            "entries": made,
            **timings,
            "target_p95_ms": TARGET_P95_MS,
            "passed": timings["portfolio_page"]["p95_ms"] < TARGET_P95_MS,
        }
