"""DDL for tenant tables: primary key (organisation_id, id), organisation-wide uniques, composite foreign keys.

Django writes ``id`` as the primary key and every foreign key as ``(x_id) → (id)``; Citus distributes a table by
``organisation_id`` only when its primary key, unique constraints and foreign keys to other distributed tables all
include that column (docs/scale-out.md). The models keep ``id`` as their ``pk`` (a unique bigint, so URLs and
``get_for_user`` are unchanged); this editor writes the constraints around it:

- a new tenant table's primary key becomes ``(organisation_id, id)`` and a ``unique=True`` column's constraint
  ``(organisation_id, column)``;
- a foreign key from a tenant table to another of the same organisation becomes
  ``(organisation_id, x_id) → (organisation_id, id)``; one into a tenant table from anywhere else (another
  organisation's row, a many-to-many table) is not created: the application checks it.
"""

from typing import Any

from django.db.backends.ddl_references import Columns, Statement, Table
from django.db.backends.postgresql import schema

from core import distribution


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def execute(self, sql: Any, params: Any = ()) -> None:
        if sql is None:  # a foreign key the database does not keep (see _create_fk_sql)
            return
        super().execute(sql, params)

    def create_model(self, model: Any) -> None:
        super().create_model(model)
        if distribution.is_tenant(model) and model._meta.managed:
            from .keys import tenant_keys

            tenant_keys(self, model)
        if model._meta.managed and distribution.is_citus_connection(self.connection):
            self._join_distributed_schema(model)

    def _join_distributed_schema(self, model: Any) -> None:
        """On a Citus database that is already distributed, a new table takes its place at once, before the
        migration's foreign keys are added (Citus keeps no key from a coordinator table into a distributed one):
        a tenant table is distributed by organisation_id beside the others, any other table becomes a reference
        table, as `manage.py distribute` would make them. A database not yet distributed is left to the command."""
        table = model._meta.db_table
        if table in distribution.COORDINATOR_TABLES:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT logicalrelid::regclass::text FROM pg_dist_partition WHERE partmethod = 'h' LIMIT 1"
            )
            anchor = cursor.fetchone()
            if anchor is None:
                return
            cursor.execute("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'")
            if distribution.is_tenant(model) and model._meta.label not in distribution.CATALOGUE_MODELS:
                cursor.execute(
                    "SELECT create_distributed_table(%s, %s, colocate_with => %s)",
                    [table, distribution.DISTRIBUTION_COLUMN, anchor[0].strip('"')],
                )
            else:
                cursor.execute("SELECT create_reference_table(%s)", [table])

    def add_field(self, model: Any, field: Any) -> None:
        if field.remote_field and distribution.is_tenant(field.related_model):
            # Never the inline single-column REFERENCES: the deferred _create_fk_sql decides.
            self.sql_create_column_inline_fk = None  # type: ignore[assignment]
            try:
                super().add_field(model, field)
            finally:
                del self.sql_create_column_inline_fk
        else:
            super().add_field(model, field)
        # Migrations pass the model as it was before the field: the field's own model has it.
        if field.name == distribution.ORGANISATION_FIELD and distribution.is_tenant(field.model):
            # The table became a tenant table (its organisation added after it was created).
            from .keys import became_tenant

            became_tenant(self, field.model)
        elif field.unique and not field.primary_key and distribution.is_tenant(field.model):
            from .keys import widen_unique_columns

            widen_unique_columns(self, field.model)

    def _create_fk_sql(self, model: Any, field: Any, suffix: str) -> Any:
        target = field.target_field.model
        if not distribution.is_tenant(target):
            return super()._create_fk_sql(model, field, suffix)  # type: ignore[misc]
        if not distribution.is_composite_fk(model, field):
            return None
        column = distribution.DISTRIBUTION_COLUMN
        return Statement(
            self.sql_create_fk,
            table=Table(model._meta.db_table, self.quote_name),
            name=self._fk_constraint_name(model, field, suffix),  # type: ignore[attr-defined]
            column=Columns(model._meta.db_table, [column, field.column], self.quote_name),
            to_table=Table(target._meta.db_table, self.quote_name),
            to_column=Columns(target._meta.db_table, [column, field.target_field.column], self.quote_name),
            deferrable=self.connection.ops.deferrable_sql(),
        )

    def _create_unique_sql(self, model: Any, fields: Any, *args: Any, **kwargs: Any) -> Any:
        # A unique=True column made unique later (AlterField): organisation-wide on a tenant table.
        if (
            distribution.is_tenant(model)
            and len(fields) == 1
            and fields[0].column != distribution.DISTRIBUTION_COLUMN
            and getattr(fields[0], "unique", False)
            and kwargs.get("name") is None
            and not args
        ):
            fields = [model._meta.get_field(distribution.ORGANISATION_FIELD), *fields]
        return super()._create_unique_sql(model, fields, *args, **kwargs)  # type: ignore[misc]
