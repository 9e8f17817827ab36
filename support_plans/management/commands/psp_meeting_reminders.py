"""Run daily: remind everyone invited to a PSP meeting tomorrow."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from support_plans import selectors
from support_plans.services import arrangements


class Command(BaseCommand):
    help = (
        "E-mail a reminder, with the meeting's calendar file, to everyone invited to a Pastoral Support Programme "
        "meeting tomorrow (each meeting once; nobody marked 'no contact'). Dry run unless --apply."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--apply", action="store_true", help="Send the reminders (without it nothing is sent)."
        )
        parser.add_argument("--date", help="Treat this date (YYYY-MM-DD) as today.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD.") from exc
        if options["apply"]:
            meetings = arrangements.reminders_send(today=today)
            verb = "reminded"
        else:
            meetings = list(selectors.meetings_for_reminder(today + datetime.timedelta(days=1)))
            verb = "to remind (dry run: add --apply)"
        for planned in meetings:
            self.stdout.write(f"  {planned.plan.organisation.name}: plan {planned.plan_id}, {planned}")
        self.stdout.write(f"Total: {len(meetings)} meeting(s) {verb}.")
