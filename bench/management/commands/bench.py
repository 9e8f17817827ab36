from __future__ import annotations

import io
import json
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

BENCHMARKS = (
    "bench_attendance",
    "bench_portfolios",
    "bench_import",
    "bench_safeguarding",
    "bench_insights",
    "bench_caseloads",
    "bench_early_warning",
)
# A tiny run of each: proves the benchmarks work (CI), measures nothing worth reporting.
SMOKE_ARGS = {
    "bench_attendance": [
        "--schools",
        "2",
        "--scale",
        "0.03",
        "--days",
        "5",
        "--iterations",
        "3",
        "--seconds",
        "1",
    ],
    "bench_portfolios": ["--iterations", "5"],
    "bench_caseloads": ["--smoke"],
    "bench_import": ["--smoke"],
    "bench_insights": ["--pupils", "30", "--days", "5", "--iterations", "3"],
    "bench_safeguarding": [
        "--schools",
        "2",
        "--pupils",
        "5",
        "--queued",
        "2",
        "--entries",
        "20",
        "--iterations",
        "3",
    ],
    "bench_early_warning": ["--smoke"],
}


class Command(BaseCommand):
    help = "Run every app's benchmark and print one JSON report (see docs/performance.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--only", choices=BENCHMARKS, help="Run one benchmark.")
        parser.add_argument("--smoke", action="store_true", help="A tiny dataset: proves the benchmarks run.")

    def handle(self, *args: Any, only: str | None, smoke: bool, **options: Any) -> None:
        available = get_commands()
        report: dict[str, Any] = {}
        for name in BENCHMARKS:
            if only and name != only:
                continue
            if name not in available:
                report[name] = {"status": "not available in this build"}
                continue
            out = io.StringIO()
            call_command(name, *(SMOKE_ARGS[name] if smoke else []), stdout=out)
            text = out.getvalue().strip()
            try:
                report[name] = json.loads(text[text.index("{") :])
            except ValueError:
                report[name] = {"output": text}
        self.stdout.write(json.dumps(report, indent=2))
