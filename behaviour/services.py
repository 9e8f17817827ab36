"""Every write to the behaviour log, report cards and suspensions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from behaviour.attendance_adapter import record_suspension_marks
from behaviour.models import Incident, IncidentPupil, ReportCard, ReportEntry, Suspension
from behaviour.signals import report_scores_recorded

INCIDENT_FIELDS = (
    "kind",
    "category",
    "severity",
    "occurred_at",
    "place",
    "lesson",
    "staff",
    "description",
    "actions",
    "parents_contacted",
    "parents_contacted_how",
)


def _check_pupils(organisation: Any, pupils: Iterable[Any]) -> list[Any]:
    pupils = list(pupils)
    if not pupils:
        raise ValidationError({"pupils": "Choose at least one pupil."})
    if any(p.organisation_id != organisation.pk for p in pupils):
        raise ValidationError({"pupils": "Every pupil must belong to this school."})
    return pupils


@transaction.atomic
def incident_create(
    *, actor: Any, organisation: Any, pupils: Iterable[Any], data: dict[str, Any]
) -> Incident:
    """Record one incident for one or more pupils."""
    pupils = _check_pupils(organisation, pupils)
    incident = Incident(
        organisation=organisation, recorded_by=actor, **{k: data[k] for k in INCIDENT_FIELDS if k in data}
    )
    incident.full_clean()
    incident.save()
    for pupil in pupils:
        link = IncidentPupil(organisation=organisation, incident=incident, pupil=pupil)
        link.full_clean()
        link.save()
    return incident


@transaction.atomic
def incident_update(
    *, actor: Any, incident: Incident, pupils: Iterable[Any], data: dict[str, Any]
) -> Incident:
    """Change an incident and who was involved (every change is in the audit log)."""
    pupils = _check_pupils(incident.organisation, pupils)
    for key in INCIDENT_FIELDS:
        if key in data:
            setattr(incident, key, data[key])
    incident.full_clean()
    incident.save()
    wanted = {p.pk for p in pupils}
    for link in incident.links.all():
        if link.pupil_id not in wanted:
            link.delete()
    have = set(incident.links.values_list("pupil_id", flat=True))
    for pupil in pupils:
        if pupil.pk not in have:
            IncidentPupil.objects.create(organisation=incident.organisation, incident=incident, pupil=pupil)
    return incident


@transaction.atomic
def report_card_create(
    *,
    actor: Any,
    pupil: Any,
    frequency: str,
    key_staff: Any,
    targets: list[str],
    starts_on: datetime.date,
    ends_on: datetime.date,
    purpose: str = "",
) -> ReportCard:
    card = ReportCard(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        frequency=frequency,
        key_staff=key_staff,
        targets=[t.strip() for t in targets if t and t.strip()],
        starts_on=starts_on,
        ends_on=ends_on,
        purpose=purpose,
        created_by=actor,
    )
    card.full_clean()
    card.save()
    return card


def report_scores_record(
    *,
    actor: Any,
    card: ReportCard,
    date: datetime.date,
    lesson: str,
    scores: dict[int, int],
    comments: dict[int, str] | None = None,
) -> list[ReportEntry]:
    """Save (or correct) one lesson's scores against each target of the card."""
    comments = comments or {}
    if not card.starts_on <= date <= card.ends_on:
        raise ValidationError(
            {"date": f"This card runs from {card.starts_on:%d %b %Y} to {card.ends_on:%d %b %Y}."}
        )
    if not lesson.strip():
        raise ValidationError({"lesson": "Name the lesson."})
    entries = []
    with transaction.atomic():
        for index, score in scores.items():
            if not 0 <= index < len(card.targets):
                raise ValidationError("That target is not on this card.")
            entry = ReportEntry.objects.filter(
                card=card, date=date, lesson=lesson.strip(), target_index=index
            ).first()
            entry = entry or ReportEntry(
                organisation_id=card.organisation_id,
                card=card,
                date=date,
                lesson=lesson.strip(),
                target_index=index,
            )
            entry.score = score
            entry.comment = comments.get(index, "")
            entry.recorded_by = actor
            entry.full_clean()
            entry.save()
            entries.append(entry)
        report_scores_recorded.send(sender=ReportCard, card=card, date=date, actor=actor)
    return entries


@transaction.atomic
def suspension_create(*, actor: Any, pupil: Any, data: dict[str, Any]) -> Suspension:
    """Record a suspension or exclusion and ask attendance to record code E for the days away."""
    suspension = Suspension(organisation_id=pupil.organisation_id, pupil=pupil, decided_by=actor, **data)
    suspension.full_clean()
    suspension.save()
    if suspension.kind != Suspension.Kind.INTERNAL:
        end = suspension.ends_on or suspension.starts_on
        suspension.attendance_note = record_suspension_marks(
            actor=actor, pupil=pupil, start=suspension.starts_on, end=end, sessions=suspension.sessions
        )[:200]
    else:
        suspension.attendance_note = "internal exclusion: pupil present in school"
    suspension.save(update_fields=["attendance_note"])
    return suspension
