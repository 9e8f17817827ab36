"""List safeguarding files past date of birth + 25 years for the DSL's review: a dry run by default, --apply to
list them. Nothing is ever deleted; a pupil under a retention hold is not listed."""

from __future__ import annotations

from typing import Any

from pastoral.retention import RetentionCommand
from safeguarding.services import retention


class Command(RetentionCommand):
    help = "Safeguarding files past date of birth + 25 years: shows them; --apply lists them for the DSL's review."
    apply_help = "List them for review (without it nothing is written; nothing is ever deleted)."

    def handle(self, *args: Any, **options: Any) -> None:
        today, verb = self.today(options), self.verb(options)
        job = retention.apply_retention if options["apply"] else retention.retention_counts
        found = []
        for school in self.schools(options):
            counts = job(organisation=school, today=today)
            found.append(counts)
            if line := retention.retention_line(school, counts, verb):
                self.stdout.write(line)
        self.stdout.write(retention.retention_total(found, verb))
