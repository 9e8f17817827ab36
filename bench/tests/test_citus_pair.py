"""`bench_citus_pair`: two databases timed alternately through one process (docs/performance.md)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from bench.citus_pair import database, using
from core.distribution import is_citus_connection


def test_it_makes_the_other_database_the_default_inside_the_block_only(tmp_path):
    default = connections["default"]
    other = database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with using(other):
        assert connections["default"] is other
        assert connection.settings_dict["NAME"] == str(tmp_path / "other.sqlite3")
    assert connections["default"] is default
    assert connection.settings_dict["NAME"] == default.settings_dict["NAME"]


@pytest.mark.django_db
def test_it_refuses_to_run_unless_the_default_database_is_single_postgresql():
    if connection.vendor == "postgresql" and not is_citus_connection(connection):
        pytest.skip("the default database here is single PostgreSQL")
    with pytest.raises(CommandError, match="must be single PostgreSQL"):
        call_command("bench_citus_pair", "--citus", "postgres://postgres@127.0.0.1:5440/none")
