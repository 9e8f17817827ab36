"""Check or rebuild the attendance roll-up against the marks.

manage.py attendance_rollup --check                 # list any pupil-week or block that disagrees (exit 1)
manage.py attendance_rollup --rebuild               # recompute every organisation's roll-up from marks
manage.py attendance_rollup --rebuild --organisation oakfield
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from attendance import rollup
from audit.services import record_event
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Check the attendance roll-up against the marks, or rebuild it from them."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="Report differences; exit 1 if any.")
        action.add_argument("--rebuild", action="store_true", help="Recompute the roll-up from the marks.")
        parser.add_argument("--organisation", default="", help="Slug of one organisation (default: all).")

    def handle(self, *args: Any, **opts: Any) -> None:
        ids = None
        if opts["organisation"]:
            org = Organisation.objects.filter(slug=opts["organisation"]).first()
            if org is None:
                raise CommandError(f"No organisation with slug {opts['organisation']!r}.")
            ids = [org.pk] + list(org.members.values_list("pk", flat=True))
        if opts["rebuild"]:
            written = rollup.rebuild(organisation_ids=ids)
            record_event(
                action="update",
                object_type="attendance.AttendanceRollup",
                organisation_id=ids[0] if ids else None,
                note=f"attendance roll-up rebuilt from marks: {written} rows",
            )
            self.stdout.write(f"Rebuilt the roll-up: {written} rows.")
            return
        problems = rollup.differences(organisation_ids=ids)
        for line in problems[:200]:
            self.stdout.write(line)
        if problems:
            raise CommandError(f"{len(problems)} roll-up row(s) disagree with the marks (run --rebuild).")
        self.stdout.write("The roll-up agrees with the marks.")
