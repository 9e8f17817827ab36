"""Django's PostgreSQL compilers, with one change on a Citus coordinator: a ``select_for_update()`` on a tenant
table that does not say its organisation is first asked which organisation its rows belong to, and the lock then
filters on it, so Citus routes the ``FOR UPDATE`` to one shard (it refuses a lock across shards). That probe is
a query more, on every shard: services lock with ``organisation_id`` in the filter (or a model instance, which
says it), so it only runs for a lock written without it. The providers' catalogue is a set of reference tables
(one shard each), locked as it is. Plain PostgreSQL compiles exactly as Django does (docs/scale-out.md, "Tests
on Citus")."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLDeleteCompiler,
    SQLInsertCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLCompiler as PostgreSQLCompiler
from django.db.models import Q
from django.db.models.lookups import Lookup

from core.distribution import CATALOGUE_MODELS, DISTRIBUTION_COLUMN, is_citus_connection, is_tenant

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]


def _says_its_organisation(where: Any, alias: str) -> bool:
    """Whether the WHERE (its AND-ed conditions) already filters the base table's organisation_id."""
    if getattr(where, "connector", "AND") != "AND" or getattr(where, "negated", False):
        return False
    for child in getattr(where, "children", []):
        if getattr(child, "organisation_ids", None):  # filter(pupil=pupil): core.distribution's lookups
            return True
        if isinstance(child, Lookup):
            target = getattr(child.lhs, "target", None)
            if (
                target is not None
                and getattr(child.lhs, "alias", None) == alias
                and target.column == DISTRIBUTION_COLUMN
                and child.lookup_name in ("exact", "in")
            ):
                return True
        elif _says_its_organisation(child, alias):
            return True
    return False


class SQLCompiler(PostgreSQLCompiler):
    def as_sql(self, with_limits: bool = True, with_col_aliases: bool = False) -> Any:
        query = self.query
        if (
            query.select_for_update
            and not getattr(query, "_pastoral_pinned", False)
            and query.model is not None
            and is_tenant(query.model)
            and query.model._meta.label not in CATALOGUE_MODELS  # reference tables: one shard, lock as is
            and is_citus_connection(self.connection)
        ):
            alias = query.get_initial_alias()
            if not _says_its_organisation(query.where, alias):
                pinned = query.clone()
                pinned._pastoral_pinned = True  # type: ignore[attr-defined]
                pinned.add_q(Q(**{f"{DISTRIBUTION_COLUMN}__in": self._organisations_of(query)}))
                self.query = pinned
        return super().as_sql(with_limits, with_col_aliases)

    def _organisations_of(self, query: Any) -> list[int]:
        """The organisations of the rows the lock would take, read without a lock (one router query per shard)."""
        probe = query.chain()
        probe.select_for_update = False
        probe.select_related = False
        probe.clear_ordering(force=True)
        probe.clear_limits()
        probe.clear_select_clause()
        probe.add_fields([DISTRIBUTION_COLUMN], allow_m2m=False)
        probe.distinct = True
        probe._pastoral_pinned = True
        rows = probe.get_compiler(connection=self.connection).execute_sql(result_type="multi") or []
        return sorted({row[0] for chunk in rows for row in chunk})
