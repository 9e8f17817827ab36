"""Payment terms on editions (default 30 days), frozen on bookings with a due date; when the last payment reminder
was sent. Existing bookings had no terms: they get the default, 30 days, and fall due 30 days after their invoice
date (the booking date). The due date becomes required in 0006, a separate migration so that PostgreSQL does not
alter the table in the transaction that updated its rows."""

import datetime

import django.core.validators
from django.db import migrations, models

DEFAULT_TERMS_DAYS = 30  # written out: migrations do not import application code


def due_dates_for_existing_bookings(apps, schema_editor):
    Booking = apps.get_model("qualifications", "Booking")
    bookings = list(Booking.objects.filter(due_on__isnull=True).only("pk", "booked_on", "payment_terms_days"))
    for booking in bookings:
        booking.due_on = booking.booked_on + datetime.timedelta(days=booking.payment_terms_days)
    Booking.objects.bulk_update(bookings, ["due_on"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("qualifications", "0004_cancelled_places_stay_charged"),
    ]

    operations = [
        migrations.AddField(
            model_name="edition",
            name="payment_terms_days",
            field=models.PositiveSmallIntegerField(
                default=DEFAULT_TERMS_DAYS,
                help_text="Days from the invoice date to pay (0 for payment on receipt).",
                validators=[django.core.validators.MaxValueValidator(120)],
            ),
        ),
        migrations.AddField(
            model_name="booking",
            name="payment_terms_days",
            field=models.PositiveSmallIntegerField(
                default=DEFAULT_TERMS_DAYS, validators=[django.core.validators.MaxValueValidator(120)]
            ),
        ),
        migrations.AddField(
            model_name="booking",
            name="due_on",
            field=models.DateField(null=True, help_text="The invoice date plus the payment terms."),
        ),
        migrations.AddField(
            model_name="booking",
            name="last_reminder_at",
            field=models.DateTimeField(
                blank=True, help_text="When the booker was last sent a payment reminder.", null=True
            ),
        ),
        migrations.RunPython(due_dates_for_existing_bookings, migrations.RunPython.noop, elidable=True),
    ]
