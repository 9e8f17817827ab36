"""Delete attendance records past their retention period: a dry run by default, --apply to delete."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from attendance import services
from organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Amendments older than six years, marks and registers dated more than six years ago, and contact logs "
        "past the school's period after a pupil leaves. "
        "Shows the counts; --apply deletes them (one audit event per school)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--apply", action="store_true", help="Delete (without it nothing is deleted).")
        parser.add_argument("--organisation", help="Only this organisation (its slug).")
        parser.add_argument("--date", help="Treat this date (YYYY-MM-DD) as today.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD.") from exc
        schools = Organisation.objects.filter(
            kind__in=[Organisation.Kind.SCHOOL, Organisation.Kind.COLLEGE, Organisation.Kind.GROUP]
        ).order_by("name")
        if options["organisation"]:
            schools = schools.filter(slug=options["organisation"])
            if not schools.exists():
                raise CommandError(f"No school or college with slug {options['organisation']!r}.")
        verb = "deleted" if options["apply"] else "to delete (dry run: add --apply)"
        totals = [0, 0, 0, 0]
        for school in schools:
            if options["apply"]:
                counts = services.apply_retention(organisation=school, today=today)
            else:
                counts = services.retention_counts(organisation=school, today=today)
            totals[0] += counts.amendments
            totals[1] += counts.contact_logs
            totals[2] += counts.marks
            totals[3] += counts.registers
            if counts.total:
                self.stdout.write(
                    f"{school.name}: {counts.amendments} amendment(s), {counts.contact_logs} contact log(s), "
                    f"{counts.marks} mark(s), {counts.registers} register(s) ({counts.lesson_marks} lesson "
                    f"mark(s)) {verb}"
                )
        self.stdout.write(
            f"Total: {totals[0]} amendment(s), {totals[1]} contact log(s), {totals[2]} mark(s), "
            f"{totals[3]} register(s) {verb}."
        )
