"""Escalation for persistent absence: the stages each pupil has reached and those now due."""

from __future__ import annotations

import bisect
import datetime
from typing import Any

from django.utils import timezone

from attendance.selectors.figures import academic_year_start, scope_for, scope_per_pupil
from attendance.selectors.registers import school_days
from organisations.models import Organisation
from people.models import Pupil

# --- Escalation for persistent absence ---------------------------------------------------------


def current_stages(organisation: Organisation, since: datetime.date) -> dict[int, dict[str, Any]]:
    """Each pupil's highest escalation stage reached since a date: {pupil_id: {"order", "started_on"}}."""
    from attendance.models import PupilEscalation

    reached: dict[int, dict[str, Any]] = {}
    for pid, order, started_on in PupilEscalation.objects.filter(
        organisation=organisation, started_on__gte=since
    ).values_list("pupil_id", "stage__order", "started_on"):
        best = reached.get(pid)
        if best is None or (order, started_on) > (best["order"], best["started_on"]):
            reached[pid] = {"order": order, "started_on": started_on}
    return reached


def escalations_due(organisation: Organisation, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Pupils who meet the entry rule of their next escalation stage this academic year, one stage at a time.

    A pupil's next stage is the first stage (by order) above the highest one they reached since the start of
    the academic year. It is due when the stage has a threshold and, over the academic year to date:
    possible sessions ≥ the stage's minimum, absence × 100 ≥ threshold × possible (integers: exactly at the
    threshold is due), and at least the stage's school days have passed since the previous stage (counted
    from the day after it started to today). A stage without a threshold is recorded by hand and holds
    the pupil there. Pupils who have left are not listed.
    """
    from attendance.models import EscalationStage

    today = today or timezone.localdate()
    start = academic_year_start(today)
    stages = list(EscalationStage.objects.filter(organisation=organisation).select_related("letter_template"))
    if not any(s.threshold_percent for s in stages):
        return []
    rows = scope_per_pupil(scope_for(organisation), start, today)
    reached = current_stages(organisation, start)
    pupils = (
        Pupil.objects.filter(organisation=organisation)
        .exclude(left_on__lt=today)
        .in_bulk([r["pupil_id"] for r in rows])
    )
    year_days: list[datetime.date] | None = None  # the year's school days, loaded once if a rule needs them
    due = []
    for row in rows:
        pupil = pupils.get(row["pupil_id"])
        if pupil is None:
            continue
        previous = reached.get(pupil.pk)
        after = previous["order"] if previous else None
        stage = next((s for s in stages if after is None or s.order > after), None)
        if stage is None or not stage.threshold_percent:
            continue
        if row["possible"] < stage.min_possible_sessions:
            continue
        if row["absent"] * 100 < stage.threshold_percent * row["possible"]:
            continue
        if previous and stage.min_school_days_since_previous:
            if year_days is None:
                year_days = school_days(organisation, start, today)
            since_previous = len(year_days) - bisect.bisect_right(year_days, previous["started_on"])
            if since_previous < stage.min_school_days_since_previous:
                continue
        due.append({**row, "pupil": pupil, "stage": stage, "previous": previous})
    due.sort(key=lambda r: (r["stage"].order, -r["absence_rate"], r["pupil"].legal_last_name))
    return due
