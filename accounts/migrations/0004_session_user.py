"""The signed-in user's id on the session row, so one query reads session, user and roles (accounts/sessions.py).

`django_session` belongs to django.contrib.sessions; this adds a nullable column and its index to it, and
declares the unmanaged model that reads it. Sessions written before have no user id and take the old path
until their next write (at most a minute later for an active session).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_enrolment_links_recovery_codes"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="UserSession",
            fields=[
                (
                    "session_key",
                    models.CharField(
                        max_length=40, primary_key=True, serialize=False, verbose_name="session key"
                    ),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                ("user_id", models.BigIntegerField(db_index=True, null=True)),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "db_table": "django_session",
                "abstract": False,
                "managed": False,
            },
        ),
        migrations.RunSQL(
            [
                "ALTER TABLE django_session ADD COLUMN user_id bigint NULL",
                "CREATE INDEX accounts_session_user_id ON django_session (user_id)",
            ],
            reverse_sql=[
                "DROP INDEX accounts_session_user_id",
                "ALTER TABLE django_session DROP COLUMN user_id",
            ],
        ),
    ]
