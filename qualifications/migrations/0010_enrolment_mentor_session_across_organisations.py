"""A participant's optional mentor training session belongs to the provider, the enrolment to the school: the key
between them crosses organisations (core.distribution.CROSS_ORGANISATION), so on PostgreSQL the composite
foreign key 0009 wrote is dropped; the application keeps the reference right, as for the enrolment's edition."""

from django.db import migrations


def drop_composite_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conname FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid
            WHERE t.relname = 'qualifications_enrolment' AND c.contype = 'f'
              AND EXISTS (
                SELECT 1 FROM pg_attribute a
                WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) AND a.attname = 'mentor_session_id'
              )
            """
        )
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        schema_editor.execute(
            f"ALTER TABLE qualifications_enrolment DROP CONSTRAINT {schema_editor.quote_name(name)}"
        )


class Migration(migrations.Migration):
    dependencies = [("qualifications", "0009_distribution_keys")]

    operations = [migrations.RunPython(drop_composite_key, migrations.RunPython.noop, elidable=True)]
