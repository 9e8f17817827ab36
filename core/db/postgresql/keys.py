"""The DDL that gives one tenant table Citus-ready keys, on a new table or in place on an existing one."""

from typing import Any

from core import distribution

COLUMN = distribution.DISTRIBUTION_COLUMN


def _constraints(schema_editor: Any, table: str) -> dict[str, dict[str, Any]]:
    with schema_editor.connection.cursor() as cursor:
        return schema_editor.connection.introspection.get_constraints(cursor, table)


def _primary_key(constraints: dict[str, dict[str, Any]]) -> tuple[str, list[str]] | None:
    for name, info in constraints.items():
        if info["primary_key"]:
            return name, info["columns"]
    return None


def widen_unique_columns(schema_editor: Any, model: Any) -> None:
    """Every single-column unique constraint (a ``unique=True`` field) becomes ``(organisation_id, column)``."""
    table = model._meta.db_table
    q = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname, a.attname FROM pg_constraint c JOIN pg_attribute a"
            " ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " WHERE c.contype = 'u' AND c.conrelid = %s::regclass AND array_length(c.conkey, 1) = 1",
            [table],
        )
        singles = [(name, column) for name, column in cursor.fetchall() if column != COLUMN]
    for name, column in singles:
        schema_editor.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")
        schema_editor.execute(
            f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} UNIQUE ({q(COLUMN)}, {q(column)})"
        )


def tenant_keys(schema_editor: Any, model: Any) -> bool:
    """Primary key (organisation_id, id) and organisation-wide uniques; False when the table had them already."""
    table = model._meta.db_table
    q = schema_editor.quote_name
    pk = _primary_key(_constraints(schema_editor, table))
    pk_column = model._meta.pk.column
    if pk and pk[1] == [COLUMN, pk_column]:
        return False
    if pk:
        schema_editor.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(pk[0])}")
    name = pk[0] if pk else f"{table}_pkey"
    schema_editor.execute(
        f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} PRIMARY KEY ({q(COLUMN)}, {q(pk_column)})"
    )
    widen_unique_columns(schema_editor, model)
    return True


def _foreign_keys_into(schema_editor: Any, table: str) -> list[tuple[str, str]]:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' AND confrelid = %s::regclass",
            [table],
        )
        return list(cursor.fetchall())


def upgrade_tenant_table(schema_editor: Any, model: Any, registry: Any) -> None:
    """In place on an existing database: drop the foreign keys into the table, swap its keys, then write the
    foreign keys back as the schema editor would for a new table (composite, or none across organisations)."""
    table = model._meta.db_table
    pk = _primary_key(_constraints(schema_editor, table))
    if pk and pk[1] == [COLUMN, model._meta.pk.column]:
        return
    q = schema_editor.quote_name
    for source, name in _foreign_keys_into(schema_editor, table):
        schema_editor.execute(f"SET CONSTRAINTS {q(name)} IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE {source} DROP CONSTRAINT {q(name)}")
    tenant_keys(schema_editor, model)
    field: Any
    for referrer in distribution.all_models(registry):
        for field in referrer._meta.local_fields:
            if field.is_relation and field.db_constraint and field.related_model is model:
                schema_editor.execute(
                    schema_editor._create_fk_sql(referrer, field, "_fk_%(to_table)s_%(to_column)s")
                )


def became_tenant(schema_editor: Any, model: Any) -> None:
    """A table that gains its organisation after it was created: its keys, the keys into it, and its own foreign
    keys to other tenant tables (left out while it had no organisation)."""
    upgrade_tenant_table(schema_editor, model, model._meta.apps)
    for field in model._meta.local_fields:
        own = field.is_relation and field.related_model is not model
        if own and field.db_constraint and distribution.is_composite_fk(model, field):
            schema_editor.execute(
                schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
            )
