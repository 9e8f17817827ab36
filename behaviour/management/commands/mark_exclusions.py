"""Run once each school day (cron or a systemd timer): keep permanently excluded pupils marked E until removed from roll."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from behaviour.services import exclusions_mark_to_date


class Command(BaseCommand):
    help = "Mark E up to today for permanent exclusions whose last day on roll is not yet known."

    def handle(self, *args: Any, **options: Any) -> None:
        count = exclusions_mark_to_date()
        self.stdout.write(f"{count} permanent exclusion(s) marked E up to today.")
