"""Benchmarks and their datasets, out of the apps they measure (docs/performance.md).

An installed app so that its commands are `manage.py` commands: `bench` runs them all (`bin/pastoral bench`),
`bench_attendance` (its body `bench.attendance`), `bench_import`, `bench_portfolios`, `bench_safeguarding`.
"""
