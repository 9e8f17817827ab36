"""Stage-one disciplinary meetings and their letter to parents and carers (the school's template, as PDF)."""

from __future__ import annotations

import datetime
from string import Template
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from audit.services import record_event
from caseloads.models import StageOneMeeting
from caseloads.services.caseloads import settings_for


def stage_one_record(
    *,
    actor: Any,
    pupil: Any,
    raised_from: str,
    held_on: datetime.date,
    concern: str,
    outcome: str,
    incident: Any = None,
    student_attended: bool = True,
    parent_invited: bool = False,
    parent_attended: bool = False,
    targets: str = "",
    review_on: datetime.date | None = None,
) -> StageOneMeeting:
    """Record a meeting; an incident must be one the student was involved in."""
    if incident is not None and not incident.links.filter(pupil=pupil).exists():
        raise ValidationError({"incident": "Choose an incident this student was involved in."})
    meeting = StageOneMeeting(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        raised_from=raised_from,
        incident=incident,
        held_on=held_on,
        concern=concern,
        student_attended=student_attended,
        parent_invited=parent_invited,
        parent_attended=parent_attended,
        chaired_by=actor,
        outcome=outcome,
        targets=targets,
        review_on=review_on,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


def stage_one_letter_text(meeting: StageOneMeeting, today: datetime.date | None = None) -> str:
    """The school's template with this meeting's details filled in (unknown `$names` are left as written)."""
    today = today or timezone.localdate()
    chair = meeting.chaired_by
    values = {
        "pupil_name": meeting.pupil.display_name,
        "school_name": meeting.organisation.name,
        "held_on": f"{meeting.held_on:%-d %B %Y}",
        "concern": meeting.concern,
        "outcome": meeting.get_outcome_display().lower(),
        "targets": f"Targets agreed: {meeting.targets}\n" if meeting.targets else "",
        "review_on": f"{meeting.review_on:%-d %B %Y}" if meeting.review_on else "a date we will confirm",
        "pal_name": chair.full_name or chair.email,
        "today": f"{today:%-d %B %Y}",
    }
    return Template(settings_for(meeting.organisation).stage_one_letter).safe_substitute(values)


def stage_one_letter_pdf(*, actor: Any, meeting: StageOneMeeting) -> bytes:
    """The letter as a PDF (WeasyPrint, as the other letters), its printing audited."""
    from weasyprint import HTML

    body = stage_one_letter_text(meeting)
    html = render_to_string(
        "caseloads/stage_one_letter.html",
        {"organisation": meeting.organisation, "paragraphs": [p for p in body.split("\n\n") if p.strip()]},
    )
    pdf = HTML(string=html).write_pdf()
    record_event(action="export", actor=actor, obj=meeting, note="stage-one letter to parents (PDF)")
    return pdf
