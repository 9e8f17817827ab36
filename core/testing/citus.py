"""Tests that cannot run on a Citus coordinator (docs/scale-out.md, "Tests on Citus")."""

from __future__ import annotations

import pytest
from django.db import connection

from core.distribution import is_citus_connection


def skip_on_citus(reason: str) -> None:
    """Skip the running test when its database is a Citus coordinator, saying why."""
    if is_citus_connection(connection):
        pytest.skip(f"not on Citus: {reason}")
