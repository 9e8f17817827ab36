"""Record the escalation stages that are due, for schools that switched automatic escalation on (run nightly)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from attendance import selectors, services
from attendance.models import AttendanceSettings
from attendance.tasks import escalate_due


class Command(BaseCommand):
    help = "Record due escalation stages at schools with automatic escalation on (--dry-run lists them)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="Treat this date (YYYY-MM-DD) as today.")
        parser.add_argument("--dry-run", action="store_true", help="Show who is due; record nothing.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the work to the task worker instead of doing it now."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD.") from exc
        if options["enqueue"]:
            with transaction.atomic():
                transaction.on_commit(lambda: escalate_due.enqueue(today.isoformat()))
            self.stdout.write(f"Enqueued automatic escalation for {today}.")
            return
        schools = AttendanceSettings.objects.filter(escalate_automatically=True).select_related(
            "organisation"
        )
        if options["dry_run"]:
            for s in schools:
                due = selectors.escalations_due(s.organisation, today)
                self.stdout.write(
                    f"{s.organisation.name}: {len(due)} pupil(s) due (dry run, nothing recorded)"
                )
            return
        done = services.escalate_automatically(today=today)
        for s in schools:
            self.stdout.write(
                f"{s.organisation.name}: {done.get(s.organisation_id, 0)} escalation(s) recorded"
            )
