"""Django's PostgreSQL backend with a schema editor that gives tenant tables keys Citus can distribute.

Plain PostgreSQL and a Citus coordinator both use it (settings.py picks it for every ``postgres://`` URL); only the
DDL differs from Django's own backend, never a query.
"""

from django.db.backends.postgresql import base

from .schema import DatabaseSchemaEditor


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
