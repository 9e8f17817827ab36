"""`manage.py bench_citus_pair`: the register save and the pupil page timed alternately on single PostgreSQL and on
Citus. Its body is `bench/citus_pair.py` (docs/performance.md)."""

from bench.citus_pair import Command

__all__ = ["Command"]
