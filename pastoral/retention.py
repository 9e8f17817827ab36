"""What every retention job shares: the date rule for "N years before", and the command's options and schools.

Each app keeps its own records' rules (attendance in `attendance.services`, behaviour and PSPs in
`support_plans.services`); this only keeps the jobs alike: a dry run by default, `--apply`, per school.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import QuerySet
from django.utils import timezone


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class RetentionCommand(BaseCommand):
    """A retention job's options: nothing is deleted without --apply; --organisation narrows; --date for tests."""

    # Schools, colleges and groups hold pupils' records; a job whose records every organisation has (the audit
    # log) runs for every kind.
    every_kind = False
    # The same options serve the other nightly jobs that write only with --apply (support plans' score check).
    apply_help = "Delete (without it nothing is deleted)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--apply", action="store_true", help=self.apply_help)
        parser.add_argument("--organisation", help="Only this organisation (its slug).")
        parser.add_argument("--date", help="Treat this date (YYYY-MM-DD) as today.")

    def today(self, options: dict[str, Any]) -> datetime.date:
        try:
            return datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD.") from exc

    def schools(self, options: dict[str, Any]) -> QuerySet:
        """The schools, colleges and groups (every organisation, with `every_kind`) to run for, by name (one, with
        --organisation)."""
        from organisations.models import Organisation

        schools = Organisation.objects.order_by("name")
        if not self.every_kind:
            schools = schools.filter(
                kind__in=[Organisation.Kind.SCHOOL, Organisation.Kind.COLLEGE, Organisation.Kind.GROUP]
            )
        if options["organisation"]:
            schools = schools.filter(slug=options["organisation"])
            if not schools.exists():
                kind = "organisation" if self.every_kind else "school or college"
                raise CommandError(f"No {kind} with slug {options['organisation']!r}.")
        return schools

    def verb(self, options: dict[str, Any]) -> str:
        return "deleted" if options["apply"] else "to delete (dry run: add --apply)"
