"""`manage.py bench_attendance`: the attendance benchmark. Its body is `bench/attendance.py` (docs/performance.md)."""

from bench.attendance import Command

__all__ = ["Command"]
