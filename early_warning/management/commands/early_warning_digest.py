"""Run weekly (e.g. Friday afternoon): queue the early-warning digest e-mail for every school's PALs and heads of
year."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from organisations.models import Organisation


class Command(BaseCommand):
    help = "Queue the weekly early-warning digest for each school (or --organisation SLUG)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", help="One school's slug.")

    def handle(self, *args: Any, **options: Any) -> None:
        from early_warning.tasks import send_weekly_digest

        schools = Organisation.objects.filter(kind__in=[Organisation.Kind.SCHOOL, Organisation.Kind.COLLEGE])
        if options["organisation"]:
            schools = schools.filter(slug=options["organisation"])
        for school in schools:
            send_weekly_digest.enqueue(school.pk)
            self.stdout.write(f"Queued the digest for {school.name}.")
