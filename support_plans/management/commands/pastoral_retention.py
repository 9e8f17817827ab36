"""Delete behaviour and PSP records of pupils past the school's period after leaving: a dry run by default."""

from __future__ import annotations

from typing import Any

from pastoral.retention import RetentionCommand
from support_plans import selectors, services


class Command(RetentionCommand):
    help = (
        "Behaviour incidents, suspensions and report cards, and Pastoral Support Programmes with everything under "
        "them, of pupils who left more than the school's set number of years ago (none under a retention hold). "
        "An incident kept for another pupil loses the leaver's link and their name in its text. Shows the counts; "
        "--apply deletes them (one transaction and one audit event per school)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        today, verb = self.today(options), self.verb(options)
        names_verb = "taken out of" if options["apply"] else "to take out of"
        plans = incidents = suspensions = cards = redacted = 0
        for school in self.schools(options):
            if options["apply"]:
                counts = services.apply_retention(organisation=school, today=today)
            else:
                counts = selectors.retention_counts(organisation=school, today=today)
            b = counts.behaviour
            plans += counts.plans
            incidents += b.incidents
            suspensions += b.suspensions
            cards += b.report_cards
            redacted += b.incidents_redacted
            if counts.total:
                self.stdout.write(
                    f"{school.name}: records of {counts.pupils} pupil(s) past the period: {counts.plans} PSP(s) "
                    f"({counts.plan_records} record(s) under them), {b.incidents} incident(s), {b.suspensions} "
                    f"suspension(s), {b.report_cards} report card(s) ({b.report_entries} score(s)), "
                    f"{b.shared_links} link(s) to incidents kept for other pupils {verb}; the leavers' names "
                    f"{names_verb} {b.incidents_redacted} of those incident(s)"
                )
        self.stdout.write(
            f"Total: {plans} PSP(s), {incidents} incident(s), {suspensions} suspension(s), {cards} report card(s) "
            f"{verb}; the leavers' names {names_verb} {redacted} incident(s) kept for other pupils."
        )
