"""Django's PostgreSQL backend with a schema editor that gives tenant tables keys Citus can distribute.

Plain PostgreSQL and a Citus coordinator both use it (settings.py picks it for every ``postgres://`` URL); only the
DDL differs from Django's own backend, and one feature: a tenant table's primary key is ``(organisation_id, id)``,
so ``id`` alone no longer determines a row's other columns and ``GROUP BY`` must name every selected column.
"""

from django.db.backends.postgresql import base, features

from .schema import DatabaseSchemaEditor


class DatabaseFeatures(features.DatabaseFeatures):
    allows_group_by_selected_pks = False


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
    features_class = DatabaseFeatures
