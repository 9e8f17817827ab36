"""Background work for insights: making the governors' termly report."""

from __future__ import annotations

from django_tasks import task


@task()
def make_governors_report(report_id: int) -> bool:
    """Work out every figure of the report, render it as a PDF and keep it (see services.report_generate)."""
    from insights.services import report_generate

    return report_generate(report_id=report_id).status == "done"
