"""A place records when it was completed (its certificate issued) and when that completion was undone (the
certificate revoked); an activity can require one of its records to address a difficult issue. ISQAM 2.2 ("Lead
three coaching conversations during the year, including at least one in which you have to address a difficult
issue") gets the rule in every edition already loaded or cloned. The places of certificates already issued are
completed by portfolios' migration 0002, which owns the certificates."""

from django.db import migrations, models


def isqam_coaching_needs_a_difficult_issue(apps, schema_editor):
    Activity = apps.get_model("qualifications", "Activity")
    Activity.objects.filter(
        module__edition__programme__code="ISQAM",
        number="2.2",
        kind="minimum",
        minimum_note__icontains="difficult issue",
    ).update(requires_difficult_issue=True)


class Migration(migrations.Migration):
    dependencies = [
        ("qualifications", "0006_booking_due_on_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="requires_difficult_issue",
            field=models.BooleanField(
                default=False,
                help_text="A minimum-count activity where at least one record must address a difficult issue "
                "(ISQAM 2.2); an aspiring participant may meet it with the alternative for aspiring participants "
                "instead.",
            ),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="completed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="completion_revoked_at",
            field=models.DateTimeField(
                blank=True, help_text="When the certificate that completed this place was revoked.", null=True
            ),
        ),
        migrations.RunPython(isqam_coaching_needs_a_difficult_issue, migrations.RunPython.noop, elidable=True),
    ]
