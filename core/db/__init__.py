"""Pastoral's database backends (docs/scale-out.md)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection as default_connection


def prepared_cursor(connection: Any = default_connection) -> Any:
    """A cursor for a fixed statement run very often (the register save's): on PostgreSQL bound on the server and
    prepared on the connection (`core.db.postgresql.base.DatabaseWrapper.prepared_cursor`), elsewhere `cursor()`."""
    make = getattr(connection, "prepared_cursor", None)
    return make() if make is not None else connection.cursor()


@contextmanager
def pipeline(connection: Any = default_connection) -> Iterator[None]:
    """Send the block's statements without waiting for each one's answer, where the database says it pays
    (`core.db.postgresql.base.DatabaseWrapper.pipeline`: on a Citus coordinator): a fetch waits only for what
    was sent before it, and the rest is answered when the block ends. Errors come out as the cursor's would,
    at the latest when the block ends. Elsewhere (SQLite, single PostgreSQL) each statement runs as it is sent."""
    make = getattr(connection, "pipeline", None)
    if make is None:
        yield
        return
    with make():
        yield
