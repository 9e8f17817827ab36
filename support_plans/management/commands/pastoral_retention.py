"""Delete behaviour and PSP records of pupils past the school's period after leaving: a dry run by default."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from organisations.models import Organisation
from support_plans import services


class Command(BaseCommand):
    help = (
        "Behaviour incidents, suspensions and report cards, and Pastoral Support Programmes with everything under "
        "them, of pupils who left more than the school's set number of years ago (none under a retention hold). "
        "Shows the counts; --apply deletes them (one transaction and one audit event per school)."
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
        plans = incidents = suspensions = cards = 0
        for school in schools:
            if options["apply"]:
                counts = services.apply_retention(organisation=school, today=today)
            else:
                counts = services.retention_counts(organisation=school, today=today)
            b = counts.behaviour
            plans += counts.plans
            incidents += b.incidents
            suspensions += b.suspensions
            cards += b.report_cards
            if counts.total:
                self.stdout.write(
                    f"{school.name}: records of {counts.pupils} pupil(s) past the period: {counts.plans} PSP(s) "
                    f"({counts.plan_records} record(s) under them), {b.incidents} incident(s), {b.suspensions} "
                    f"suspension(s), {b.report_cards} report card(s) ({b.report_entries} score(s)), "
                    f"{b.shared_links} link(s) to incidents kept for other pupils {verb}"
                )
        self.stdout.write(
            f"Total: {plans} PSP(s), {incidents} incident(s), {suspensions} suspension(s), {cards} report card(s) "
            f"{verb}."
        )
