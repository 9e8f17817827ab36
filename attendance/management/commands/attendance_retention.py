"""Delete attendance records past their retention period: a dry run by default, --apply to delete."""

from __future__ import annotations

from typing import Any

from attendance import services
from pastoral.retention import RetentionCommand


class Command(RetentionCommand):
    help = (
        "Amendments older than six years, marks and registers dated more than six years ago, and contact logs "
        "past the school's period after a pupil leaves. "
        "Shows the counts; --apply deletes them (one audit event per school)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        today, verb = self.today(options), self.verb(options)
        totals = [0, 0, 0, 0]
        for school in self.schools(options):
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
