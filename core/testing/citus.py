"""Tests on a Citus coordinator (docs/scale-out.md, "Tests on Citus"): the ones that cannot run there, the ones
that run only there, and each test's closing foreign-key check narrowed to the tables the test wrote."""

from __future__ import annotations

import re
import time
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


# Django empties the database after every transactional test with one TRUNCATE of every table (`flush`). On a
# Citus coordinator that is a distributed TRUNCATE of ~155 tables on every node, about 10 s however few rows the
# test wrote: a quarter of the suite's time there. A table the test did not write is still as the test database
# began, and that shows in its size (every node's shards: one query a node), so the flush leaves it alone and
# deletes the rows of the others, the tables pointing at a table before it.
_SIZES = """
    SELECT s.logicalrelid::regclass::text, z.shard_id, z.size
      FROM citus_shard_sizes() z JOIN pg_dist_shard s ON s.shardid = z.shard_id
    UNION ALL
    SELECT c.oid::regclass::text, 0, pg_total_relation_size(c.oid)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
       AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid)
"""
_KEYS = (
    "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
    " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace AND conrelid <> confrelid"
)


class ChangedTablesFlush:
    """`flush` narrowed to the tables whose size has moved since the test database was made, plus the tables that
    held rows then (content types, permissions: a row added to a page with room would not move their size, so they
    are emptied every time, as Django does). A table emptied by TRUNCATE has no page; one the same size now has had
    no row since: the first insert gives its heap a page (a rolled-back one too), and only TRUNCATE gives it back;
    so a table emptied here by DELETE keeps its size and is emptied again at every later flush (a cheap statement
    on an empty table).
    """

    def __init__(self, wrapper: Any) -> None:
        self.wrapper = wrapper
        self.start: dict[str, frozenset[tuple[int, int]]] = {}
        self.always: set[str] = set()
        self.points_at: dict[str, set[str]] = {}
        self.renote = False
        # Django's own flush (the class's methods: an instance's may already be a narrowed one's).
        ops = wrapper.ops
        self.whole_flush = type(ops).sql_flush.__get__(ops)
        self.execute_flush = type(ops).execute_sql_flush.__get__(ops)

    def begin(self) -> None:
        """Empty the test database once and narrow its flush from now on."""
        self.empty()
        ops = self.wrapper.ops
        ops.sql_flush, ops.execute_sql_flush = self.sql_flush, self.execute_sql_flush

    def empty(self) -> None:
        """Django's whole flush (every table a fresh, pageless file, as the rule above needs: a database reused, or
        loaded by a migration, may hold pages with no rows in them; then the content types and permissions made
        again), and the database noted as it then is."""
        from django.core.management.color import no_style
        from django.core.management.sql import emit_post_migrate_signal

        alias = self.wrapper.alias
        tables = self.wrapper.introspection.django_table_names(only_existing=True, include_views=False)
        self.flush_retrying(self.whole_flush(no_style(), tables))
        emit_post_migrate_signal(0, False, alias)
        self.note()

    def note(self) -> None:
        """Note every table's size, which hold rows, and the keys between them."""
        self.start, self.always = self._sizes(), set()
        with self.wrapper.cursor() as cursor:
            for table in self.start:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {self.wrapper.ops.quote_name(table)})")  # noqa: S608
                if cursor.fetchone()[0]:
                    self.always.add(table)
            cursor.execute(_KEYS)
            for table, target in cursor.fetchall():
                self.points_at.setdefault(table.strip('"'), set()).add(target.strip('"'))

    def _sizes(self) -> dict[str, frozenset[tuple[int, int]]]:
        """Each table's shards and their sizes (a shard split or moved is a new shard: the table has changed)."""
        found: dict[str, set[tuple[int, int]]] = {}
        with self.wrapper.cursor() as cursor:
            cursor.execute(_SIZES)
            for table, shard, size in cursor.fetchall():
                found.setdefault(table.strip('"'), set()).add((shard, size))
        return {table: frozenset(shards) for table, shards in found.items()}

    def sql_flush(self, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        """DELETE from each changed table, a table before the tables it points at (the keys have no cycles but a
        table's own; a self-referencing key is checked when the statement ends)."""
        now = self._sizes()
        if any(
            {shard for shard, _ in now.get(t, ())} != {shard for shard, _ in self.start[t]}
            for t in self.start
        ):
            # A school isolated or moved to a node of its own (core/tests/test_distribution_isolation.py): the
            # shards changed, and the old placements wait for Citus's clean-up with their rows and keys. Django's
            # whole TRUNCATE, then the new layout noted.
            self.renote = True
            return self.whole_flush(style, tables, **kwargs)
        left = {t for t in tables if t in self.always or t not in self.start or now.get(t) != self.start[t]}
        ordered = []
        while left:
            pointed_at = set().union(*(self.points_at.get(t, set()) for t in left))
            free = sorted(left - pointed_at) or sorted(left)  # no table left points at these
            ordered += free
            left -= set(free)
        quote = self.wrapper.ops.quote_name
        # Deleting from distributed tables that point at a reference table, and from that reference table, in one
        # transaction: Citus needs one connection a node for it.
        return ["SET LOCAL citus.multi_shard_modify_mode TO 'sequential';"] + [
            f"DELETE FROM {quote(table)};"  # noqa: S608 the tables' own names
            for table in ordered
        ]

    def execute_sql_flush(self, sql_list: list[str]) -> None:
        self.flush_retrying(sql_list)
        if self.renote:
            self.renote = False
            self.note()

    def flush_retrying(self, sql_list: list[str], attempts: int = 3) -> None:
        """The flush, run again when Citus cancels it for a distributed deadlock. The flush is one transaction
        that only deletes, so a cancelled one left nothing behind. Citus's deadlock detector can cancel a
        transaction that was in no cycle (citusdata/citus#1803: every local process counts as one transaction;
        #8790: a victim matched by transaction number alone), and the suite runs two test databases on the same
        nodes at once: CI saw a flush cancelled so, once. A real deadlock of the flush's own would recur and
        fail on the last attempt."""
        from django.db import OperationalError

        for attempt in range(1, attempts + 1):
            try:
                self.execute_flush(sql_list)
                return
            except OperationalError as error:
                if attempt == attempts or not _cancelled_for_deadlock(error):
                    raise
                time.sleep(0.2 * attempt)


def _cancelled_for_deadlock(error: BaseException) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "40P01"  # deadlock_detected


def narrow_flush(wrapper: Any) -> None:
    """On a Citus coordinator, make the flush after a transactional test empty only the tables it changed."""
    if is_citus_connection(wrapper):
        ChangedTablesFlush(wrapper).begin()
