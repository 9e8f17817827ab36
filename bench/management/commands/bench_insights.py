"""`manage.py bench_insights`: the school statistics dashboard's server time (body in bench/insights.py)."""

from bench.insights import Command

__all__ = ["Command"]
