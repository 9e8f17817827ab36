"""What every benchmark shares: running the work in a transaction rolled back afterwards, median/p95 of timed
samples, the school days before a date, the machine a figure was measured on, and the JSON report."""

from __future__ import annotations

import datetime
import json
import multiprocessing
import os
import platform
import statistics
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection, transaction

T = TypeVar("T")


def rolled_back(fn: Callable[[], T], *, keep: bool = False) -> T:
    """`fn()` inside a transaction that is rolled back afterwards (kept with `keep`): the dataset never stays."""
    with transaction.atomic():
        result = fn()
        if not keep:
            transaction.set_rollback(True)
    return result


def stats(samples: list[float]) -> dict[str, float]:
    """Median and 95th percentile (nearest rank) of samples in seconds, as milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, int(round(0.95 * len(ordered))) - 1))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "n": len(ordered),
    }


def school_days(end: datetime.date, count: int) -> list[datetime.date]:
    """The last `count` weekdays up to and including `end`, oldest first."""
    days: list[datetime.date] = []
    day = end
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= datetime.timedelta(days=1)
    return sorted(days)


def machine() -> dict[str, Any]:
    """What a figure was measured on: the load at the time, the database, Python, the CPUs."""
    return {
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "database": connection.vendor,
        "python": platform.python_version(),
        "cpus": multiprocessing.cpu_count(),
        "platform": platform.platform(),
    }


def write_report(stdout: Any, report: dict[str, Any], output: str = "") -> None:
    """The report as JSON on stdout, and into the file `output` names (if any)."""
    text = json.dumps(report, indent=2, default=str)
    if output:
        with open(output, "w") as fh:
            fh.write(text + "\n")
    stdout.write(text)
