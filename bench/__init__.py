"""Benchmarks and their datasets, out of the apps they measure (docs/performance.md).

`bench.attendance`: the trust-scale attendance benchmark (`manage.py bench_attendance`, run by `bin/pastoral bench`).
The management commands stay where Django finds them and only call in here.
"""
