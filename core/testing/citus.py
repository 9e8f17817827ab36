"""Tests that cannot run on a Citus coordinator (docs/scale-out.md, "Tests on Citus")."""

from __future__ import annotations

import pytest
from django.db import connection

from core.distribution import is_citus_connection


def skip_on_citus(reason: str) -> None:
    """Skip the running test when its database is a Citus coordinator, saying why."""
    if is_citus_connection(connection):
        pytest.skip(f"not on Citus: {reason}")


def skip_unless_distributed_citus() -> None:
    """Skip the running test unless its database is a Citus coordinator that `manage.py distribute` has
    distributed (`.ci/citus test` makes its test databases so; SQLite and plain PostgreSQL skip)."""
    if is_citus_connection(connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_dist_partition WHERE partmethod = 'h' LIMIT 1")
            if cursor.fetchone() is not None:
                return
    pytest.skip("needs a distributed Citus coordinator (docs/scale-out.md, 'Tests on Citus')")
