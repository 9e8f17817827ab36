"""Tests on a Citus coordinator (docs/scale-out.md, "Tests on Citus"): the ones that cannot run there, the ones
that run only there, and each test's closing foreign-key check narrowed to the tables the test wrote."""

from __future__ import annotations

import re
from typing import Any

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


# Django's TestCase checks the deferred foreign keys at the end of every test (`check_constraints()`, all of them).
# On a Citus coordinator that is one query per foreign key (core/db/postgresql/base.py), about 480 multi-shard
# queries a test: most of the suite's time there. Only a table a test wrote can hold a row a key refuses, so the
# closing check reads the keys of the tables written since the previous one.
_WRITTEN = re.compile(r'\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?"?(\w+)"?', re.IGNORECASE)
_UPSERT = re.compile(r"\bDO\s+UPDATE\b", re.IGNORECASE)
_ASSIGNED = re.compile(r'(?:\bSET|,)\s*"?(\w+)"?\s*=(?!=)', re.IGNORECASE)
_NOT_TABLES = frozenset(
    {"set", "of", "skip", "nowait"}
)  # ON CONFLICT DO UPDATE SET, FOR UPDATE OF / SKIP LOCKED
_READS = frozenset({"SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "SHOW", "VALUES", "BEGIN", "COMMIT"})
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "WITH"})


class WrittenTables:
    """The tables written on a connection since its last full `check_constraints()` (an execute wrapper), and
    that check narrowed to what they can break: the keys of a table inserted into or updated (the row a key
    points at may be missing), and the keys pointing at a table deleted from or whose referenced columns an
    update sets (a row may have lost its target). A statement it does not recognise (DDL, TRUNCATE, COPY, a
    procedure) makes the next check the full one, as Django's."""

    def __init__(self, wrapper: Any) -> None:
        self.check_all = type(wrapper).check_constraints.__get__(wrapper)
        self.wrapper = wrapper
        self.keys: tuple[dict[str, set[str]], dict[str, set[str]]] | None = None
        self._forget()

    def _forget(self) -> None:
        self.pointing: set[str] = set()
        self.updated: dict[str, set[str]] = {}  # table: the columns its updates set
        self.deleted: set[str] = set()
        self.everything = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.note(sql)
        return execute(sql, params, many, context)

    def note(self, sql: str) -> None:
        """Record the tables `sql` writes (or that it may write anything)."""
        words = sql.split(None, 1)
        first = words[0].upper().rstrip(";") if words else ""
        if first in _READS:
            return
        if first not in _WRITES:
            self.everything = True
            self.keys = None  # the schema may have changed
            return
        for verb, table in _WRITTEN.findall(sql):
            verb, table = verb.split()[0].upper(), table.lower()
            if table in _NOT_TABLES:
                continue
            if verb == "DELETE":
                self.deleted.add(table)
                continue
            self.pointing.add(table)
            if verb == "UPDATE" or _UPSERT.search(sql):
                assigned = {column.lower() for column in _ASSIGNED.findall(sql)}
                self.updated.setdefault(table, set()).update(assigned)

    def check_constraints(self, table_names: Any = None) -> None:
        """The backend's check; with no tables named, of the keys the writes since the last check could break."""
        if table_names is not None:
            return self.check_all(table_names)
        if self.everything:
            self.check_all()
        elif self.pointing or self.deleted:
            referrers, referenced = self._keys()
            tables = set(self.pointing)
            for table in self.deleted:
                tables |= referrers.get(table, set())
            for table, columns in self.updated.items():
                if columns & referenced.get(table, set()):
                    tables |= referrers.get(table, set())
            self.check_all(sorted(tables))
        self._forget()
        return None

    def _keys(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """For each table a foreign key points at: the tables whose keys point at it, and the columns they name."""
        if self.keys is None:
            referrers: dict[str, set[str]] = {}
            referenced: dict[str, set[str]] = {}
            with self.wrapper.cursor() as cursor:
                cursor.execute(
                    "SELECT c.confrelid::regclass::text, c.conrelid::regclass::text, a.attname"
                    " FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace"
                    " JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = ANY(c.confkey)"
                    " WHERE c.contype = 'f' AND s.nspname = current_schema()"
                )
                for target, table, column in cursor.fetchall():
                    referrers.setdefault(target, set()).add(table)
                    referenced.setdefault(target, set()).add(column)
            self.keys = referrers, referenced
        return self.keys


def narrow_constraint_checks(wrapper: Any) -> None:
    """On a Citus coordinator, make each test's closing foreign-key check read only what the test wrote."""
    if not is_citus_connection(wrapper):
        return
    written = WrittenTables(wrapper)
    wrapper.execute_wrappers.append(written)
    wrapper.check_constraints = written.check_constraints
