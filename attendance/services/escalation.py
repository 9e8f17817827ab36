"""Escalation: recording the stages that are due."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from attendance import selectors
from attendance.models import (
    PupilEscalation,
)
from audit.services import record_event
from organisations.models import Organisation
from people.models import Pupil

# --- Escalation: recording the stages that are due --------------------------------------------

AUTOMATIC_NOTE = "Recorded automatically: the pupil met the stage's entry rule."


def record_due_escalations(
    *,
    actor: Any,
    organisation: Organisation,
    pupil_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
    note: str = "",
) -> list[PupilEscalation]:
    """Record the next stage for pupils who are due (all of them, or those of `pupil_ids` still due).

    One transaction: the pupils are locked and the due list recomputed inside it, so two people confirming
    the same list (or the nightly task) never record a stage twice. Each escalation is tracked in the audit
    log and one event summarises the batch.
    """
    today = today or timezone.localdate()
    wanted = None if pupil_ids is None else {int(p) for p in pupil_ids}
    with transaction.atomic():
        candidates = Pupil.objects.filter(organisation=organisation)
        if wanted is not None:
            candidates = candidates.filter(pk__in=wanted)
        list(candidates.select_for_update().order_by("pk").values_list("pk", flat=True))
        created = []
        for row in selectors.escalations_due(organisation, today):
            if wanted is not None and row["pupil"].pk not in wanted:
                continue
            entry = PupilEscalation(
                organisation=organisation,
                pupil=row["pupil"],
                stage=row["stage"],
                started_on=today,
                note=note
                or f"Absence {row['absence_pct']} of {row['possible']} possible sessions this year.",
                recorded_by=actor,
            )
            entry.full_clean(exclude=["recorded_by"])  # None: recorded by the nightly task
            entry.save()
            created.append(entry)
        if created:
            record_event(
                action="create",
                actor=actor,
                organisation_id=organisation.pk,
                object_type="attendance.PupilEscalation",
                note=f"escalation stages recorded for {len(created)} pupil(s)"
                + (" automatically" if actor is None else ""),
            )
    return created


def escalate_automatically(*, today: datetime.date | None = None) -> dict[int, int]:
    """For every school that switched automatic escalation on, record the stages due. {organisation id: count}."""
    from attendance.models import AttendanceSettings

    done = {}
    for settings in AttendanceSettings.objects.filter(escalate_automatically=True).select_related(
        "organisation"
    ):
        created = record_due_escalations(
            actor=None, organisation=settings.organisation, today=today, note=AUTOMATIC_NOTE
        )
        done[settings.organisation_id] = len(created)
    return done
