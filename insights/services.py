"""Writes for insights: asking for the governors' termly report and making it in the background."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from core.pdf import render_pdf
from insights.models import GovernorsReport
from organisations.models import Organisation

logger = logging.getLogger(__name__)


def report_request(
    *, actor: Any, organisation: Organisation, starts_on: datetime.date, ends_on: datetime.date
) -> GovernorsReport:
    """Record the request (audited by the model's tracking) and queue the report once it is committed."""
    from insights.selectors.report import report_steps
    from insights.tasks import make_governors_report

    if organisation.kind == Organisation.Kind.GROUP:
        raise ValidationError("A governors' report is made for one school.")
    with transaction.atomic():
        report = GovernorsReport(
            organisation=organisation,
            starts_on=starts_on,
            ends_on=ends_on,
            requested_by=actor,
            steps_total=report_steps(organisation),
        )
        report.full_clean()
        report.save()  # tracked: the audit log records who asked for which term
        transaction.on_commit(lambda: make_governors_report.enqueue(report.pk))
    return report


def report_generate(*, report_id: int) -> GovernorsReport:
    """Work out the figures (moving the progress bar after each piece), render the PDF and keep it. A failure is
    kept on the report (status failed, the error's type) and audited; it never leaves half a PDF."""
    from insights.selectors.report import report_context

    report = GovernorsReport.objects.select_related("organisation", "requested_by").get(pk=report_id)
    if not report.is_busy:
        return report
    GovernorsReport.objects.filter(pk=report.pk).update(status=GovernorsReport.Status.RUNNING, steps_done=0)
    done = [0]

    def step(_what: str) -> None:
        done[0] += 1
        GovernorsReport.objects.filter(pk=report.pk).update(steps_done=done[0])

    try:
        context = report_context(
            report.requested_by, report.organisation, report.starts_on, report.ends_on, step
        )
        context["report"] = report
        context["made_at"] = timezone.now()
        pdf = render_pdf("insights/report_pdf.html", context, base_url=None)
    except Exception as error:  # noqa: BLE001  (kept on the report for the page to show; logged in full)
        logger.exception("governors' report %s failed", report.pk)
        report.status = GovernorsReport.Status.FAILED
        report.error = type(error).__name__
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
        record_event(action="update", obj=report, actor=report.requested_by, note="governors' report failed")
        return report
    report.pdf = pdf
    report.status = GovernorsReport.Status.DONE
    report.steps_done = max(done[0], report.steps_total)
    report.finished_at = timezone.now()
    report.save(update_fields=["pdf", "status", "steps_done", "finished_at"])
    return report
