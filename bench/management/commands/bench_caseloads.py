"""`manage.py bench_caseloads`: the caseloads benchmark. Its body is `bench/caseloads.py` (docs/performance.md)."""

from bench.caseloads import Command

__all__ = ["Command"]
