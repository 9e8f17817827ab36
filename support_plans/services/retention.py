"""Forgetting leavers: a school's PSPs and behaviour records of pupils who left more than its period ago."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from audit.services import record_event
from behaviour.services import leavers_records_delete
from organisations.models import Organisation
from support_plans import selectors
from support_plans.models import PlanDocument
from support_plans.selectors import RetentionCounts


def apply_retention(
    *, organisation: Organisation, today: datetime.date | None = None, actor: Any = None
) -> RetentionCounts:
    """Delete the PSPs (with everything under them) and the behaviour records of the school's pupils who left more
    than its period ago and are under no retention hold, in one transaction, with one audit event of the counts.

    Raw deletes, children first, so the audit log gets one summary rather than a copy of every record it is
    meant to forget; plans go before the report cards they point at.
    """
    with transaction.atomic():
        pupils = selectors.pupils_past_retention(organisation, today or timezone.localdate())
        if not pupils.exists():
            return RetentionCounts(organisation)
        counts = RetentionCounts(organisation, pupils=selectors.with_records(pupils).count())
        plans = selectors.plans_of(organisation, pupils)
        files = [str(d.file.name) for d in PlanDocument.objects.filter(plan__in=plans.values("pk"))]
        transaction.on_commit(partial(_delete_files, files))
        for records in selectors.plan_records(plans):
            counts.plan_records += records._raw_delete(records.db)
        counts.plans = plans._raw_delete(plans.db)
        counts.behaviour = leavers_records_delete(organisation=organisation, pupils=pupils)
        _check_nothing_points_at_deleted_rows()
        if counts.total:
            b = counts.behaviour
            record_event(
                action="delete",
                actor=actor,
                organisation_id=organisation.pk,
                object_type="pastoral_retention",
                note=f"retention: records of {counts.pupils} pupil(s) who left more than "
                f"{selectors.retention_years(organisation)} year(s) ago deleted: {counts.plans} PSP(s) with "
                f"{counts.plan_records} record(s) under them, {b.incidents} incident(s), {b.suspensions} "
                f"suspension(s) and exclusion(s), {b.report_cards} report card(s) ({b.report_entries} "
                f"score(s)); {b.shared_links} link(s) to incidents kept for other pupils removed, and the "
                f"leavers' names taken out of the text of {b.incidents_redacted} of those incident(s)",
            )
    return counts


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _check_nothing_points_at_deleted_rows() -> None:
    """The foreign keys are checked only at commit, and raw deletes skip Django's collector: check them now, so a
    row still pointing at a deleted one fails the school's whole run inside its transaction."""
    tables = [
        model._meta.db_table
        for label in ("behaviour", "support_plans")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    connection.check_constraints(table_names=tables)
