"""Replay a past period week by week and print how early the list warned (precision, recall, weeks of warning)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from early_warning.replay import replay
from organisations.models import Organisation


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class Command(BaseCommand):
    help = "Replay a past period: who the early-warning list flagged each week, and who later had an outcome."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="The school's slug.")
        parser.add_argument(
            "--from", dest="start", type=datetime.date.fromisoformat, help="First check day (yyyy-mm-dd)."
        )
        parser.add_argument(
            "--to", dest="end", type=datetime.date.fromisoformat, help="Last check day (yyyy-mm-dd)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = Organisation.objects.filter(slug=options["organisation"]).first()
        if school is None:
            raise CommandError(f"No organisation with slug {options['organisation']!r}.")
        from attendance.selectors import academic_year_start

        end = options["end"] or datetime.date.today()
        start = options["start"] or academic_year_start(end)
        if start > end:
            raise CommandError("--from must be on or before --to.")
        result = replay(school, start, end)
        for day, count in result.weeks:
            self.stdout.write(f"{day:%Y-%m-%d}  flagged {count}")
        self.stdout.write(
            f"Pupils flagged: {len(result.first_flag)}; with an outcome: {len(result.outcomes)}; "
            f"warned before it: {len(result.warned)}"
        )
        median = "—" if result.median_weeks is None else f"{result.median_weeks:.1f}"
        self.stdout.write(
            f"Precision {_pct(result.precision)}  Recall {_pct(result.recall)}  Median weeks of warning {median}"
        )
