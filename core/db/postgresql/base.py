"""Django's PostgreSQL backend with a schema editor that gives tenant tables keys Citus can distribute.

Plain PostgreSQL and a Citus coordinator both use it (settings.py picks it for every ``postgres://`` URL); only the
DDL differs from Django's own backend, and one feature: a tenant table's primary key is ``(organisation_id, id)``,
so ``id`` alone no longer determines a row's other columns and ``GROUP BY`` must name every selected column; and
on a Citus coordinator a row lock on a tenant table is pinned to its organisation (``compiler.py``), and
``check_constraints`` looks for orphan rows itself (Citus does not send ``SET CONSTRAINTS`` to the workers).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError
from django.db.backends.postgresql import base, features, operations
from django.db.backends.utils import CursorWrapper
from psycopg.pq import Format

from core.distribution import is_citus_connection

from .schema import DatabaseSchemaEditor

_django: Any = (
    base  # Django's psycopg cursor classes and timezone loader, which its type stubs do not describe
)


class DatabaseFeatures(features.DatabaseFeatures):
    allows_group_by_selected_pks = False


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "core.db.postgresql.compiler"  # on Citus, a row lock says its organisation

    def last_executed_query(self, cursor: Any, sql: Any, params: Any) -> Any:  # str, or None from Django
        """What the debug log and `connection.queries` show: a prepared statement's text as it was written (with
        its placeholders; its parameters are logged beside it). psycopg does not keep the text of a statement run
        by name, where Django's own method looks for it."""
        if isinstance(cursor, PreparingCursor):
            return str(sql)
        return super().last_executed_query(cursor, sql, params)


_ONLY_WHEN_ASKED = 2**31 - 1


class PreparingCursor(_django.ServerBindingCursor):  # type: ignore[misc]
    """A psycopg cursor that binds its parameters on the server and prepares every statement it runs: the first
    run on a connection parses it under a name, later runs only bind and execute (no parse, no plan search, no
    quoting of every value in Python). For a few fixed statements run very often (the register save's): each
    distinct text and parameter types is one prepared statement on the connection (psycopg keeps the last
    ``prepared_max``, 100 by default)."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: Any = None
    ) -> Any:
        # Django opens connections with prepared statements off (threshold None: psycopg then ignores even
        # `prepare=True`). Switched on for this statement only: with a threshold no count reaches, `prepare=True`
        # prepares it; switched off again, the connection's other statements are not counted towards one.
        connection = self.connection
        threshold = connection.prepare_threshold
        if threshold is None:
            connection.prepare_threshold = _ONLY_WHEN_ASKED
        try:
            return super().execute(query, params, prepare=True, binary=binary)
        finally:
            connection.prepare_threshold = threshold


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations

    def prepared_cursor(self) -> CursorWrapper:
        """`cursor()` whose statements are bound on the server and prepared on this connection (`PreparingCursor`),
        wrapped as Django wraps every cursor (logged in tests and under DEBUG, execute wrappers, errors). Only for
        statements whose text does not change with their values (arrays, not lists of placeholders), with every
        parameter's type clear from where it stands (a column it is compared with or written to, or a cast).

        A Citus coordinator prepares them too (its fast-path and router plans are kept with the statement: about
        a tenth off a register save there, docs/performance.md). A database whose settings say
        ``"PREPARED_STATEMENTS": False`` (beside ``OPTIONS``, not in it: for a connection through a pooler in
        transaction mode, which would lose them) gets the ordinary cursor."""
        if self.settings_dict.get("PREPARED_STATEMENTS", True) is False:
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = PreparingCursor(self.connection)
            # As Django's create_cursor: the cursor's own timezone only if the connection's disagrees.
            tzloader = self.connection.adapters.get_loader(_django.TIMESTAMPTZ_OID, Format.TEXT)
            if self.timezone != tzloader.timezone:
                _django.register_tzloader(self.timezone, cursor)
            return self._prepare_cursor(cursor)  # type: ignore[attr-defined]  # as cursor() wraps

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        """psycopg's pipeline mode for the block (`core.db.pipeline`), on a Citus coordinator: there every statement
        of a transaction also goes from the coordinator to the worker and back, and sending the register save's
        statements together took 1.3–2.4 ms off its median of 21–31 ms (docs/performance.md, session 13). On
        single PostgreSQL on the same machine it cost the web process more CPU than the round trips it saved
        (sustained saves 5% fewer), so statements go one by one there. ``"PIPELINE": True`` or ``False`` beside ``OPTIONS`` in the database's settings decides
        instead (on, say, for a server across a network). Errors the server raises come out of the block as
        Django's database errors, as a cursor's would."""
        wanted = self.settings_dict.get("PIPELINE")
        if wanted is None:
            wanted = is_citus_connection(self)
        if not wanted:
            yield
            return
        self.ensure_connection()
        with self.wrap_database_errors, self.connection.pipeline():
            yield

    def check_constraints(self, table_names: Any = None) -> None:
        """Check the deferred foreign keys now. Django's ``SET CONSTRAINTS ALL IMMEDIATE`` stays on a Citus
        coordinator (the workers check at commit), so there each foreign key of the tables is checked by a query
        for a row it would refuse: a ``NOT EXISTS`` on the key's columns, which Citus pushes down to each shard
        (the composite keys join on organisation_id) or runs against a reference table."""
        if not is_citus_connection(self):
            return super().check_constraints(table_names)
        q = self.ops.quote_name
        with self.cursor() as cursor:
            cursor.execute(
                "SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,"
                " ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a"
                "  ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[],"
                " ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a"
                "  ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)::text[]"
                " FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace"
                " WHERE c.contype = 'f' AND s.nspname = current_schema()"
                " AND (%s::text[] IS NULL OR c.conrelid::regclass::text = ANY(%s::text[]))",
                [table_names and list(table_names), table_names and list(table_names)],
            )
            for name, table, target, columns, target_columns in cursor.fetchall():
                present = " AND ".join(f"r.{q(c)} IS NOT NULL" for c in columns)
                match = " AND ".join(
                    f"t.{q(tc)} = r.{q(c)}" for c, tc in zip(columns, target_columns, strict=True)
                )
                cursor.execute(
                    f"SELECT 1 FROM {table} r WHERE {present}"  # noqa: S608 (names from the catalogue)
                    f" AND NOT EXISTS (SELECT 1 FROM {target} t WHERE {match}) LIMIT 1"
                )
                if cursor.fetchone() is not None:
                    raise IntegrityError(
                        f"The table {table} has a row that violates foreign key constraint {name}: "
                        f"({', '.join(columns)}) is not in {target}."
                    )
        return None
