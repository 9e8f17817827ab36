"""Writes for early warning: a school's settings (audited, old → new) and "reviewed — support in place"."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from early_warning import kept
from early_warning.models import Review, StudentFactor, WarningSettings
from early_warning.registry import defaults


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def settings_save(*, actor: Any, organisation: Any, values: dict[str, Any]) -> WarningSettings:
    """Store the school's values (only those that differ from the defaults); the change is audited by `track`."""
    base = defaults()
    differing = _jsonable({k: v for k, v in values.items() if k in base and v != base[k]})
    with transaction.atomic():
        found = WarningSettings.objects.select_for_update().filter(organisation=organisation).first()
        found = found or WarningSettings(organisation=organisation)
        found.values = differing
        found.full_clean()
        found.save()  # tracked: the audit log keeps the old and new values
    return found


def review_mark(
    *,
    actor: Any,
    pupil: Any,
    note: str,
    reviewed_on: datetime.date,
    score: int,
    lines: dict[str, int] | None = None,
) -> Review:
    """Mark a student "reviewed — support in place" with what is in place and when it was reviewed; `lines` are
    the points of every indicator on at the review (so each viewer's "needs action" compares what they may see)."""
    review = Review(
        lines=lines or {},
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        note=note,
        reviewed_on=reviewed_on,
        score=score,
        reviewed_by=actor,
    )
    review.full_clean()
    review.save()
    return review


def factors_write(*, organisation: Any, factors: list[StudentFactor], sen_changes: list[Any]) -> None:
    """Write an imported factors file (inside the import's transaction): pupil premium, FSM and young carer
    created or updated, and the pupils' changed SEN status. Bulk writes bypass the change tracking; the import job
    records one `import` event with the counts."""
    from people.models import Pupil

    with transaction.atomic():
        create = [f for f in factors if f.pk is None]
        update = [f for f in factors if f.pk is not None]
        StudentFactor.objects.bulk_create(create, batch_size=500)
        StudentFactor.objects.bulk_update(
            update, ["pupil_premium", "free_school_meals", "young_carer"], batch_size=500
        )
        Pupil.objects.bulk_update(sen_changes, ["sen_status"], batch_size=500)
        kept.changed([organisation.pk])  # bulk writes send no signals: the kept list is stale from here
