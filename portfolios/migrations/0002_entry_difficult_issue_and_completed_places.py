"""Each record of an activity such as ISQAM 2.2 says whether it addressed a difficult issue (or is the alternative
for aspiring participants). Certificates issued before a certificate completed its place: their places are completed
now (completed at the certificate's issue time); the place of a certificate already revoked is left enrolled with
the revocation recorded, so it does not count as Level 1 done (qualifications.services.level1_on_record_q)."""

from django.db import migrations, models


def complete_certified_places(apps, schema_editor):
    Certificate = apps.get_model("portfolios", "Certificate")
    Enrolment = apps.get_model("qualifications", "Enrolment")
    for cert in Certificate.objects.select_related("portfolio").order_by("pk"):
        place = Enrolment.objects.filter(pk=cert.portfolio.enrolment_id, status="enrolled")
        if cert.revoked_at is None:
            place.update(status="completed", completed_at=cert.issued_at, completion_revoked_at=None)
        else:
            place.update(completion_revoked_at=cert.revoked_at)


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0001_portfolios_entries_reviews_certificates"),
        ("qualifications", "0007_enrolment_completion_and_difficult_issue_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="difficult_issue",
            field=models.CharField(
                blank=True,
                choices=[
                    ("yes", "Yes, it addressed a difficult issue"),
                    ("no", "No"),
                    ("alternative", "It is the alternative for aspiring participants"),
                ],
                help_text="For an activity that needs a record addressing a difficult issue (ISQAM 2.2): whether "
                "this record did, or is the alternative for aspiring participants.",
                max_length=12,
            ),
        ),
        migrations.RunPython(complete_certified_places, migrations.RunPython.noop, elidable=True),
    ]
