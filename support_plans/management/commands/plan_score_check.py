"""Run nightly: alert the coordinator of each under-way PSP that has gone too long without report-card scores."""

from __future__ import annotations

from typing import Any

from core.retention import RetentionCommand
from support_plans import selectors, services


class Command(RetentionCommand):
    help = (
        "Under-way Pastoral Support Programmes with no report-card scores for more than the school's number of "
        "school days (PSP settings; default 5), counting from the plan's start when never scored. Shows them per "
        "school; --apply raises one alert a gap (shown with the plan's other alerts, e-mailed to the coordinator)."
    )
    apply_help = "Raise the alerts (without it nothing is written)."

    def handle(self, *args: Any, **options: Any) -> None:
        today = self.today(options)
        total = 0
        for school in self.schools(options):
            gaps = selectors.score_gaps(school, today=today)
            if options["apply"]:
                new = len(services.missing_scores_check(organisation=school, today=today))
                verb = "alert(s) raised"
            else:
                new = sum(not gap.is_alerted for gap in gaps)
                verb = "alert(s) to raise (dry run: add --apply)"
            total += new
            if gaps:
                self.stdout.write(
                    f"{school.name}: {len(gaps)} plan(s) without scores for too long; {new} {verb}, "
                    f"{len(gaps) - new} already alerted"
                )
                for gap in gaps:
                    self.stdout.write(f"  plan {gap.plan.pk}: {gap.reason}")
        self.stdout.write(
            f"Total: {total} alert(s) {'raised' if options['apply'] else 'to raise (dry run)'}."
        )
