"""Termly reports to parents: one student's report as a PDF (`core.pdf.render_pdf`), and a batch for a group, a
caseload or a year generated in the background (`caseloads.tasks`) with its progress on the batch row, then kept
as one ZIP or e-mailed to each student's contacts with parental responsibility (never to one marked "no contact").

A student whose report fails is named on the batch with the error; the others are kept. Every generation and
every e-mail is audited."""

from __future__ import annotations

import datetime
import io
import re
import time
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Length
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record_event
from caseloads import report_selectors
from caseloads.report_models import ReportBatch
from core.pdf import render_pdf

PROGRESS_EVERY = 0.5  # seconds between progress writes (the page polls once a second)


def report_pdf(*, pupil: Any, title: str, start: datetime.date, end: datetime.date) -> bytes:
    """One student's termly report as a PDF (not audited: the callers below are)."""
    context = report_selectors.report_data(pupil, start, end)
    return render_pdf(
        "caseloads/reports/report_pdf.html",
        {**context, "title": title, "organisation": pupil.organisation, "today": timezone.localdate()},
    )


def report_print(*, actor: Any, pupil: Any, title: str, start: datetime.date, end: datetime.date) -> bytes:
    """One student's report, printed by a member of staff: audited as an export."""
    pdf = report_pdf(pupil=pupil, title=title, start=start, end=end)
    record_event(
        action=AuditEvent.Action.EXPORT,
        actor=actor,
        obj=pupil,
        note=f"termly report to parents (PDF), {start:%d/%m/%Y}–{end:%d/%m/%Y}",
    )
    return pdf


def report_filename(pupil: Any, title: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", f"{pupil.last_name} {pupil.first_name} {title}").strip("-")
    return f"{stem}-{pupil.pk}.pdf"


def report_batch_start(
    *,
    actor: Any,
    organisation: Any,
    scope: str,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    delivery: str,
    group: Any = None,
    pal: Any = None,
    year_group: int | None = None,
) -> ReportBatch:
    """Record a batch and queue its generation once committed."""
    from caseloads.tasks import generate_reports

    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The period must end on or after the day it starts."})
    needs = {"group": group, "caseload": pal, "year": year_group}
    if needs.get(scope) is None:
        raise ValidationError({scope if scope != "caseload" else "scope": "Choose what the reports are for."})
    batch = ReportBatch(
        organisation=organisation,
        requested_by=actor,
        scope=scope,
        group=group if scope == ReportBatch.Scope.GROUP else None,
        pal=pal if scope == ReportBatch.Scope.CASELOAD else None,
        year_group=year_group if scope == ReportBatch.Scope.YEAR else None,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        delivery=delivery,
    )
    batch.full_clean(exclude=["archive"])
    with transaction.atomic():
        batch.save()
        record_event(action=AuditEvent.Action.CREATE, actor=actor, obj=batch, note=str(batch))
        transaction.on_commit(lambda: generate_reports.enqueue(batch.pk))
    return batch


def report_batch_run(*, batch_id: int) -> ReportBatch:
    """Generate every report of a batch, keeping its progress; a student whose report fails is named and the
    rest are kept. A ZIP batch keeps the archive on the row; an e-mail batch sends each report as it is made."""
    batch = ReportBatch.objects.select_related("organisation", "requested_by", "group", "pal").get(
        pk=batch_id
    )
    if batch.status != ReportBatch.Status.QUEUED:
        return batch
    pupils = report_selectors.batch_students(batch)
    ReportBatch.objects.filter(pk=batch.pk).update(
        status=ReportBatch.Status.RUNNING, total=len(pupils), done=0
    )
    buffer = io.BytesIO()
    shown_at = time.monotonic()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for n, pupil in enumerate(pupils, start=1):
                _one(batch, pupil, archive)
                if time.monotonic() - shown_at >= PROGRESS_EVERY:
                    ReportBatch.objects.filter(pk=batch.pk).update(done=n)
                    shown_at = time.monotonic()
    except Exception:
        ReportBatch.objects.filter(pk=batch.pk).update(
            status=ReportBatch.Status.FAILED, finished_at=timezone.now()
        )
        raise
    _finish(batch, pupils, buffer.getvalue())
    return batch


def _one(batch: ReportBatch, pupil: Any, archive: zipfile.ZipFile) -> None:
    """One student's report into the ZIP or the post; a failure is noted on the batch, not raised."""
    try:
        pdf = report_pdf(pupil=pupil, title=batch.title, start=batch.starts_on, end=batch.ends_on)
        if batch.delivery == ReportBatch.Delivery.DOWNLOAD:
            archive.writestr(report_filename(pupil, batch.title), pdf)
            return
        recipients = report_selectors.report_recipients(pupil)
        if not recipients:
            batch.unsent.append({"pupil_id": pupil.pk, "name": pupil.display_name})
            return
        _send(batch, pupil, pdf, recipients)
    except Exception as exc:  # one student's failure must not lose the others' reports
        batch.failures.append({"pupil_id": pupil.pk, "name": pupil.display_name, "error": _reason(exc)})


def _reason(exc: Exception) -> str:
    return (f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[:300]


def _send(batch: ReportBatch, pupil: Any, pdf: bytes, recipients: list[str]) -> None:
    school = batch.organisation
    message = EmailMessage(
        subject=f"{school.name}: {batch.title} report for {pupil.display_name}",
        body=(
            f"Please find attached {pupil.display_name}'s {batch.title} report from {school.name}, covering "
            f"{batch.starts_on:%-d %B %Y} to {batch.ends_on:%-d %B %Y}.\n\nIf you would like to talk about it, "
            "please contact the school.\n"
        ),
        to=recipients,
    )
    message.attach(report_filename(pupil, batch.title), pdf, "application/pdf")
    message.send()
    batch.emails_sent += 1
    record_event(
        action=AuditEvent.Action.EXPORT,
        actor=batch.requested_by,
        obj=pupil,
        note=f"termly report e-mailed to {len(recipients)} parent(s) or carer(s) (batch {batch.pk})",
    )


def _finish(batch: ReportBatch, pupils: list[Any], archive: bytes) -> None:
    made = len(pupils) - len(batch.failures)
    keep_zip = batch.delivery == ReportBatch.Delivery.DOWNLOAD and made > 0
    batch.archive = archive if keep_zip else b""
    batch.total = batch.done = len(pupils)
    batch.status = ReportBatch.Status.DONE
    batch.finished_at = timezone.now()
    batch.save(
        update_fields=[
            "archive",
            "total",
            "done",
            "status",
            "finished_at",
            "failures",
            "unsent",
            "emails_sent",
        ]
    )
    record_event(
        action=AuditEvent.Action.EXPORT,
        actor=batch.requested_by,
        obj=batch,
        note=f"{batch.title} reports: {made} of {len(pupils)} generated, {len(batch.failures)} failed"
        + (
            f", {batch.emails_sent} e-mailed, {len(batch.unsent)} with no contact to send to"
            if batch.delivery == ReportBatch.Delivery.EMAIL
            else ""
        ),
        changes={"failed": [f["pupil_id"] for f in batch.failures]},
    )


def report_batch_download(*, actor: Any, batch: ReportBatch) -> bytes:
    """The batch's ZIP, its download audited."""
    record_event(action=AuditEvent.Action.EXPORT, actor=actor, obj=batch, note=f"{batch} downloaded as ZIP")
    return bytes(batch.archive)


# --- Retention: a batch's ZIP is kept REPORT_ZIP_DAYS days, then deleted (the row stays, marked) -----------------

REPORT_ZIP_DAYS = 30


@dataclass
class ZipRetentionCounts:
    organisation: Any
    days: int
    zips: int = 0
    bytes: int = 0


def _expired_zips(organisation: Any, today: datetime.date) -> Any:
    """The school's batches still holding a ZIP that finished before the first instant of the day
    `REPORT_ZIP_DAYS` days before `today` (local time)."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=REPORT_ZIP_DAYS), datetime.time())
    )
    return ReportBatch.objects.filter(
        organisation=organisation, finished_at__lt=cutoff, archive_expired_at__isnull=True
    ).exclude(archive=b"")


def report_zip_retention_counts(*, organisation: Any, today: datetime.date) -> ZipRetentionCounts:
    """What the retention job would delete for a school today (the dry run): its report ZIPs past their time."""
    found = _expired_zips(organisation, today).aggregate(n=Count("pk"), size=Sum(Length("archive")))
    return ZipRetentionCounts(organisation, REPORT_ZIP_DAYS, found["n"], found["size"] or 0)


def report_zip_retention_apply(
    *, organisation: Any, today: datetime.date, actor: Any = None
) -> ZipRetentionCounts:
    """Delete the school's report ZIPs older than `REPORT_ZIP_DAYS` days: each batch keeps its row (who asked, the
    period, the counts and failures) with the ZIP emptied and the time it was deleted, so its page says the
    reports expired and can be generated again. One transaction and one audit event a school."""
    with transaction.atomic():
        counts = report_zip_retention_counts(organisation=organisation, today=today)
        if counts.zips:
            expired = _expired_zips(organisation, today)
            ids = list(expired.values_list("pk", flat=True))
            counts.zips = expired.update(archive=b"", archive_expired_at=timezone.now())
            record_event(
                action=AuditEvent.Action.DELETE,
                actor=actor,
                organisation_id=organisation.pk,
                object_type=ReportBatch._meta.label,
                note=f"retention: {counts.zips} report ZIP(s) older than {counts.days} days deleted "
                f"({counts.bytes} bytes); the batches stay, marked expired",
                changes={"batches": ids},
            )
    return counts
