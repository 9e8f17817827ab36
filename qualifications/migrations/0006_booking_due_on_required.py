"""Every booking has a due date (0005 gave existing bookings theirs)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("qualifications", "0005_payment_terms_and_due_dates"),
    ]

    operations = [
        migrations.AlterField(
            model_name="booking",
            name="due_on",
            field=models.DateField(help_text="The invoice date plus the payment terms."),
        ),
    ]
