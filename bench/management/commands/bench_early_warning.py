"""`manage.py bench_early_warning`: the early-warning list benchmark. Its body is `bench/early_warning.py`
(docs/performance.md)."""

from bench.early_warning import Command

__all__ = ["Command"]
