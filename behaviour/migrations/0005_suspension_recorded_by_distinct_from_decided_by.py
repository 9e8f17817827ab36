"""Who decided a suspension (the headteacher) is kept apart from who recorded it.

Until now the person recording was stored as the decision-maker, so for existing rows both are that person.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def recorder_is_who_was_stored(apps, schema_editor):
    Suspension = apps.get_model("behaviour", "Suspension")
    Suspension.objects.filter(recorded_by__isnull=True).update(recorded_by=models.F("decided_by"))


class Migration(migrations.Migration):
    dependencies = [
        ("behaviour", "0004_incident_category_from_school_list"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="suspension",
            name="recorded_by",
            field=models.ForeignKey(
                null=True,
                help_text="Who entered the decision in Pastoral.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(recorder_is_who_was_stored, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="suspension",
            name="recorded_by",
            field=models.ForeignKey(
                help_text="Who entered the decision in Pastoral.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="suspension",
            name="decided_by",
            field=models.ForeignKey(
                help_text="The headteacher (or the acting headteacher) who made the decision.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AlterField(
            model_name="suspension",
            name="incident",
            field=models.ForeignKey(
                blank=True,
                help_text="The incident in this pupil's behaviour log that led to it (optional).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="suspensions",
                to="behaviour.incident",
            ),
        ),
    ]
