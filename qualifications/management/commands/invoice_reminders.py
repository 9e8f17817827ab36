"""E-mail payment reminders for invoices overdue by some days: a dry run by default, --apply to send."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qualifications import selectors, services


class Command(BaseCommand):
    help = (
        "Invoices overdue by --days days or more (default 14) whose booker has had no payment reminder in as many "
        "days. Lists them; --apply e-mails each booker a reminder with the invoice PDF (audited, as from the "
        "booking page)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--days", type=int, default=14, help="Days overdue, and days since the last reminder."
        )
        parser.add_argument(
            "--apply", action="store_true", help="Send the reminders (otherwise only list them)."
        )
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="Run as of this date (YYYY-MM-DD)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 1:
            raise CommandError("--days must be at least 1.")
        today = options["today"] or timezone.localdate()
        verb = "reminded" if options["apply"] else "to remind (dry run: --apply to send)"
        count = 0
        for booking in selectors.bookings_due_a_reminder(days=days, today=today):
            if options["apply"]:
                try:
                    services.payment_reminder_send(actor=None, booking=booking, today=today)
                except ValidationError:  # paid or credited since the list was read
                    continue
            count += 1
            last = f", last reminder {booking.last_reminder_at:%Y-%m-%d}" if booking.last_reminder_at else ""
            self.stdout.write(
                f"{booking.invoice_number} {booking.organisation.name}: £{booking.amount} due {booking.due_on}"
                f"{last} {verb}"
            )
        self.stdout.write(f"Total: {count} invoice(s) {verb}.")
