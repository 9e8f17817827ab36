"""Django's PostgreSQL backend with a schema editor that gives tenant tables keys Citus can distribute.

Plain PostgreSQL and a Citus coordinator both use it (settings.py picks it for every ``postgres://`` URL); only the
DDL differs from Django's own backend, and one feature: a tenant table's primary key is ``(organisation_id, id)``,
so ``id`` alone no longer determines a row's other columns and ``GROUP BY`` must name every selected column; and
on a Citus coordinator a row lock on a tenant table is pinned to its organisation (``compiler.py``), and
``check_constraints`` looks for orphan rows itself (Citus does not send ``SET CONSTRAINTS`` to the workers).
"""

from typing import Any

from django.db import IntegrityError
from django.db.backends.postgresql import base, features, operations

from core.distribution import is_citus_connection

from .schema import DatabaseSchemaEditor


class DatabaseFeatures(features.DatabaseFeatures):
    allows_group_by_selected_pks = False


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "core.db.postgresql.compiler"  # on Citus, a row lock says its organisation


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations

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
