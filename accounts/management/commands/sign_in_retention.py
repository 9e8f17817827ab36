"""Delete sign-in attempts past their retention period: a dry run by default, --apply to delete."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from accounts import services
from pastoral.retention import RetentionCommand


class Command(RetentionCommand):
    help = (
        "Sign-in attempts (time, address, browser) older than SIGN_IN_ATTEMPT_RETENTION_DAYS days (90). "
        "Shows the count; --apply deletes them in one transaction and records one audit event."
    )

    def add_arguments(self, parser: Any) -> None:
        # Attempts belong to people, not organisations: no --organisation.
        parser.add_argument("--apply", action="store_true", help=self.apply_help)
        parser.add_argument("--date", help="Treat this date (YYYY-MM-DD) as today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = self.today(options)
        run = services.sign_in_retention_apply if options["apply"] else services.sign_in_retention_count
        count = run(today=today)
        self.stdout.write(
            f"{count} sign-in attempt(s) older than {settings.SIGN_IN_ATTEMPT_RETENTION_DAYS} days "
            f"{self.verb(options)}."
        )
