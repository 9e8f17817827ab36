"""Pastoral's database backends (docs/scale-out.md)."""

from typing import Any

from django.db import connection as default_connection


def prepared_cursor(connection: Any = default_connection) -> Any:
    """A cursor for a fixed statement run very often (the register save's): on PostgreSQL bound on the server and
    prepared on the connection (`core.db.postgresql.base.DatabaseWrapper.prepared_cursor`), elsewhere `cursor()`."""
    make = getattr(connection, "prepared_cursor", None)
    return make() if make is not None else connection.cursor()
