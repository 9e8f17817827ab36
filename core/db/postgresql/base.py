"""Django's PostgreSQL backend with a schema editor that gives tenant tables keys Citus can distribute.

Plain PostgreSQL and a Citus coordinator both use it (settings.py picks it for every ``postgres://`` URL); only the
DDL differs from Django's own backend, and one feature: a tenant table's primary key is ``(organisation_id, id)``,
so ``id`` alone no longer determines a row's other columns and ``GROUP BY`` must name every selected column; and
on a Citus coordinator a row lock on a tenant table is pinned to its organisation (``compiler.py``).
"""

from django.db.backends.postgresql import base, features, operations

from .schema import DatabaseSchemaEditor


class DatabaseFeatures(features.DatabaseFeatures):
    allows_group_by_selected_pks = False


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "core.db.postgresql.compiler"  # on Citus, a row lock says its organisation


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
