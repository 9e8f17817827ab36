"""Delete every record past its retention period, app by app: a dry run by default, --apply to delete."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from core.retention import RETENTION_JOBS, RetentionCommand, retention_jobs, retention_run


class Command(RetentionCommand):
    help = (
        "Every app's retention job (registered with core.retention.register_retention), in order: attendance "
        "records, behaviour and PSP records of leavers, audit events, sign-in attempts. Shows the counts per "
        "organisation; --apply deletes them (one transaction and one audit event per organisation and job)."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--only",
            action="append",
            metavar="JOB",
            help="Run only this job (repeat for more); the jobs are "
            + ", ".join(sorted(RETENTION_JOBS))
            + ".",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from organisations.models import Organisation

        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation with slug {options['organisation']!r}.")
        try:
            retention_jobs(options["only"])
        except KeyError as exc:
            raise CommandError(exc.args[0]) from exc
        retention_run(
            today=self.today(options),
            apply=options["apply"],
            organisation=organisation,
            keys=options["only"],
            write=self.stdout.write,
        )
