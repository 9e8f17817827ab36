"""Delete audit events past their organisation's retention period: a dry run by default, --apply to delete."""

from __future__ import annotations

from typing import Any

from audit import selectors, services
from pastoral.retention import RetentionCommand


class Command(RetentionCommand):
    help = (
        "Audit events older than the organisation's period (six years unless it set another), and events with no "
        "organisation older than six years; events about a pupil under a retention hold stay. "
        "Shows the counts; --apply deletes them (one transaction and one audit event per organisation)."
    )
    every_kind = True

    def handle(self, *args: Any, **options: Any) -> None:
        today, verb = self.today(options), self.verb(options)
        run = services.apply_retention if options["apply"] else services.retention_counts
        organisations: list[Any] = list(self.schools(options))
        if not options["organisation"]:
            organisations.append(None)  # the events that belong to no organisation
        deleted = held = 0
        about_held = selectors.about_held_pupils()  # the same holds for every organisation in this run
        for organisation in organisations:
            counts = run(organisation=organisation, today=today, held=about_held)
            deleted += counts.events
            held += counts.held
            if counts.events or counts.held:
                name = organisation.name if organisation is not None else "No organisation"
                self.stdout.write(
                    f"{name}: {counts.events} audit event(s) older than {counts.years} year(s) {verb}; "
                    f"{counts.held} kept for pupils under a retention hold"
                )
        self.stdout.write(
            f"Total: {deleted} audit event(s) {verb}; {held} kept for pupils under a retention hold."
        )
