"""Background work for caseloads: generating a batch of termly reports to parents (the database backend runs it;
tests run it at once)."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_reports(batch_id: int) -> None:
    from caseloads.services.reports import report_batch_run

    report_batch_run(batch_id=batch_id)
