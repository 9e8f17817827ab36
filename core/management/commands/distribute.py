"""manage.py distribute: turn the migrated schema into Citus reference and distributed tables (docs/scale-out.md).

Idempotent: tables Citus already manages are left alone, so it runs after every deploy's migrate. On plain
PostgreSQL or SQLite it says so and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core import distribution


def is_citus() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
        return cursor.fetchone() is not None


def citus_tables() -> dict[str, str]:
    """Each table Citus manages: 'distributed', 'reference' or 'local'."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT logicalrelid::regclass::text, partmethod, repmodel FROM pg_dist_partition")
        rows = cursor.fetchall()
    kinds = {}
    for table, method, repmodel in rows:
        kinds[table.strip('"')] = (
            "distributed" if method == "h" else "reference" if repmodel == "t" else "local"
        )
    return kinds


def existing_tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def dependency_order(tables: list[str]) -> list[str]:
    """Tables ordered so that a table comes after the tables its foreign keys point at."""
    targets: dict[str, set[str]] = {t: set() for t in tables}
    for model in distribution.all_models():
        table = model._meta.db_table
        if table in targets:
            for field in model._meta.local_fields:
                related: Any = field.related_model
                if field.is_relation and related._meta.db_table in targets:
                    targets[table].add(related._meta.db_table)
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(table: str) -> None:
        if table in seen:
            return
        seen.add(table)
        for target in sorted(targets[table] - {table}):
            visit(target)
        ordered.append(table)

    for table in sorted(tables):
        visit(table)
    return ordered


def foreign_keys_touching(tables: set[str]) -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
            " AND (conrelid::regclass::text = ANY(%s) OR confrelid::regclass::text = ANY(%s)) ORDER BY 1, 2",
            [sorted(tables), sorted(tables)],
        )
        return list(cursor.fetchall())


class Command(BaseCommand):
    help = (
        "On a Citus coordinator: make reference tables and distribute the tenant tables by organisation_id."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print the plan and change nothing.")
        parser.add_argument(
            "--shards",
            type=int,
            help="Shards per distributed table (Citus's citus.shard_count, 32 unless given).",
        )

    def handle(self, *args: Any, dry_run: bool, shards: int | None, **options: Any) -> None:
        if not is_citus():
            self.stdout.write(
                f"distribute: nothing to do, this {connection.vendor} database is not a Citus coordinator "
                "(the schema is already ready to distribute; docs/scale-out.md)."
            )
            return
        self._allow_repartition_joins()
        present = existing_tables()
        managed = citus_tables()
        references = [
            t for t in distribution.reference_tables() if t in present and managed.get(t) != "reference"
        ]
        tenants = [
            t for t in distribution.distributed_tables() if t in present and managed.get(t) != "distributed"
        ]
        if not references and not tenants:
            self._catch_up_sequences(present)
            self.stdout.write(
                "distribute: every table is already distributed or a reference table; nothing to do."
            )
            return
        references, tenants = dependency_order(references), dependency_order(tenants)
        if dry_run:
            self.stdout.write(f"distribute (dry run): reference tables: {', '.join(references) or '-'}")
            self.stdout.write(
                f"distribute (dry run): distributed by organisation_id: {', '.join(tenants) or '-'}"
            )
            return
        self._distribute(references, tenants, managed, shards)
        self._catch_up_sequences(present)

    def _catch_up_sequences(self, tables: set[str]) -> None:
        """Every id sequence at least its table's largest id. Citus turns a coordinator table that keeps a foreign
        key to a reference table into a Citus-local table, and on a loaded database the audit log's identity
        sequence came back at 1: the next audited write then collided with row 1 (seen distributing the
        benchmark's loaded trust). A no-op where the sequences are already ahead."""
        caught = []
        with_ids = {
            m._meta.db_table
            for m in distribution.all_models()
            if any(f.column == "id" for f in m._meta.concrete_fields)
        }
        with connection.cursor() as cursor:
            for table in sorted(tables & with_ids):
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                if sequence is None:
                    continue
                name = connection.ops.quote_name(table)
                cursor.execute(
                    f"SELECT setval(%s, (SELECT max(id) FROM {name})) "  # noqa: S608 the table's own name
                    f"WHERE (SELECT max(id) FROM {name}) > (SELECT last_value FROM {sequence})",
                    [sequence],
                )
                if cursor.fetchone() is not None:
                    caught.append(table)
        if caught:
            self.stdout.write(f"id sequences caught up with their tables: {', '.join(caught)}")

    def _allow_repartition_joins(self) -> None:
        """Joins across organisations (a school's booking and the provider's edition) are not co-located: Citus
        runs them by repartitioning, which it does only when asked. Set for the database, so every session."""
        with connection.cursor() as cursor:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(f"ALTER DATABASE {name} SET citus.enable_repartition_joins = on")
            cursor.execute("SET citus.enable_repartition_joins = on")
        self.stdout.write(
            "citus.enable_repartition_joins = on for this database (joins across organisations)"
        )

    def _distribute(
        self, references: list[str], tenants: list[str], managed: dict[str, str], shards: int | None
    ) -> None:
        anchor = next((t for t, kind in managed.items() if kind == "distributed"), None)
        with transaction.atomic(), connection.cursor() as cursor:
            # Foreign keys are set aside while tables change kind (Citus would otherwise turn their neighbours into
            # coordinator-local tables first) and put back once both ends are where they belong.
            cursor.execute("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'")
            if shards:
                cursor.execute("SELECT set_config('citus.shard_count', %s, true)", [str(shards)])
            keys = foreign_keys_touching(set(references) | set(tenants))
            for table, name, _definition in keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for table in references:
                cursor.execute("SELECT create_reference_table(%s)", [table])
                self.stdout.write(f"reference table: {table}")
            for table in tenants:
                if anchor is None:
                    cursor.execute(
                        "SELECT create_distributed_table(%s, %s)", [table, distribution.DISTRIBUTION_COLUMN]
                    )
                    anchor = table
                else:
                    cursor.execute(
                        "SELECT create_distributed_table(%s, %s, colocate_with => %s)",
                        [table, distribution.DISTRIBUTION_COLUMN, anchor],
                    )
                self.stdout.write(
                    f"distributed by {distribution.DISTRIBUTION_COLUMN}, co-located with {anchor}: {table}"
                )
            distributed = set(tenants) | {t for t, kind in managed.items() if kind == "distributed"}
            kept = 0
            for table, name, definition in keys:
                target = definition.split(" REFERENCES ")[1].split("(")[0].strip('"')
                if target in distributed and table.strip('"') not in distributed:
                    # Citus keeps no key from a reference or coordinator table into a distributed one.
                    self.stdout.write(f"foreign key left to the application: {table}.{name}")
                    continue
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                kept += 1
            self.stdout.write(f"foreign keys put back: {kept}")
        self.stdout.write(
            f"distribute: {len(references)} reference tables, {len(tenants)} distributed tables; "
            f"on the coordinator: {', '.join(sorted(distribution.COORDINATOR_TABLES))}"
        )
