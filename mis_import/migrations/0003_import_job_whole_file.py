from django.db import migrations, models


def _year_label(year_group):
    if year_group is None:
        return ""
    return "Reception" if year_group == 0 else f"Year {year_group}"


def leavers_to_missing(apps, schema_editor):
    """A whole-roll job's summary listed `leavers`; every whole file now lists `missing` (name and detail)."""
    ImportJob = apps.get_model("mis_import", "ImportJob")
    for job in ImportJob.objects.filter(is_whole_file=True).only("pk", "summary"):
        leavers = (job.summary or {}).pop("leavers", None)
        if leavers is None:
            continue
        job.summary["missing"] = [
            {"id": p["id"], "name": p["name"], "detail": _year_label(p.get("year_group"))} for p in leavers
        ]
        job.save(update_fields=["summary"])


class Migration(migrations.Migration):
    """Whole files of groups and staff end what is missing too, not only whole-roll pupil files."""

    dependencies = [
        ("mis_import", "0002_import_job_whole_roll_leavers"),
    ]

    operations = [
        migrations.RenameField(model_name="importjob", old_name="is_full_roll", new_name="is_whole_file"),
        migrations.RenameField(model_name="importjob", old_name="mark_leavers", new_name="end_missing"),
        migrations.RenameField(model_name="importjob", old_name="leavers_on", new_name="ends_on"),
        migrations.AlterField(
            model_name="importjob",
            name="is_whole_file",
            field=models.BooleanField(
                default=False,
                help_text="The file lists every record of its kind, so what is missing from it has ended.",
            ),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="end_missing",
            field=models.BooleanField(
                default=False, help_text="The importer asked to end what is missing from the file."
            ),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="ends_on",
            field=models.DateField(
                blank=True, help_text="The date given to what ended (the pupils' leaving date).", null=True
            ),
        ),
        migrations.RunPython(leavers_to_missing, migrations.RunPython.noop, elidable=True),
    ]
