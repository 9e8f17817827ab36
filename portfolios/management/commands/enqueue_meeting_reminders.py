"""Enqueue the mentor-meeting reminder e-mails (run daily from cron; the task only writes in the last 14 days of
a term, to pairs that are behind)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from portfolios.tasks import send_meeting_reminders


class Command(BaseCommand):
    help = "Enqueue reminder e-mails to mentors and participants behind on meetings this term."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="Treat this date (YYYY-MM-DD) as today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options.get("date") or timezone.localdate().isoformat()
        with transaction.atomic():
            transaction.on_commit(lambda: send_meeting_reminders.enqueue(today))
        self.stdout.write(f"Enqueued meeting reminders for {today}.")
