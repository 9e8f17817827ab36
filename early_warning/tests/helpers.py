"""Built cases for early-warning tests: marks, incidents, suspensions, results, plans and statuses on a day."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from achievement import services as achievement_services
from achievement.models import AssessmentPoint, Course, Result
from attendance.models import AttendanceMark
from attendance.tests.helpers import weekdays

ON = datetime.date(2026, 11, 27)  # a Friday; the academic year began on 1 September 2026
AT = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)


def sessions(pupil: Any, start: datetime.date, codes: list[str]) -> None:
    """One mark a session from `start` (AM then PM, weekdays)."""
    days = weekdays(start, (len(codes) + 1) // 2)
    for i, code in enumerate(codes):
        AttendanceMark.objects.create(
            organisation_id=pupil.organisation_id,
            pupil=pupil,
            date=days[i // 2],
            session="AM" if i % 2 == 0 else "PM",
            code=code,
            minutes_late=10 if code in ("L", "U") else None,
        )


def incident(pupil: Any, *, days_ago: int, severity: int, recorded_by: Any, kind: str = "negative") -> None:
    from behaviour.models import BehaviourCategory, Incident, IncidentPupil

    category, _ = BehaviourCategory.objects.get_or_create(
        organisation_id=pupil.organisation_id, code="disruption", defaults={"name": "Disruption"}
    )
    when = datetime.datetime.combine(
        ON - datetime.timedelta(days=days_ago), datetime.time(10), tzinfo=datetime.UTC
    )
    found = Incident.objects.create(
        organisation_id=pupil.organisation_id,
        kind=kind,
        category=category,
        severity=severity,
        occurred_at=when,
        place="classroom",
        description="Built case",
        recorded_by=recorded_by,
        staff=recorded_by,
    )
    IncidentPupil.objects.create(organisation_id=pupil.organisation_id, incident=found, pupil=pupil)


def grades(pupil: Any, differences: dict[str, list[int]]) -> None:
    """GCSE results: per course code, the working-at grade's steps from a target of 6 at each point."""
    scale = achievement_services.standard_scale(organisation=pupil.organisation, key="gcse")
    points = [
        AssessmentPoint.objects.get_or_create(organisation=pupil.organisation, name=name, assessed_on=day)[0]
        for name, day in (
            ("Autumn 1", datetime.date(2026, 10, 16)),
            ("Autumn 2", datetime.date(2026, 11, 20)),
        )
    ]
    for code, steps in differences.items():
        course, _ = Course.objects.get_or_create(
            organisation=pupil.organisation, code=code, defaults={"name": code, "scale": scale}
        )
        for point, step in zip(points, steps, strict=False):
            Result.objects.create(
                organisation=pupil.organisation,
                pupil=pupil,
                course=course,
                point=point,
                target="6",
                working_at=str(6 + step),
                difference=step,
            )


def now() -> datetime.datetime:
    return timezone.now()


def suspension(pupil: Any, day: datetime.date, head: Any, **extra: Any) -> None:
    from behaviour.models import Suspension

    Suspension.objects.create(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        kind="suspension",
        starts_on=day,
        ends_on=day,
        sessions=2,
        reason="persistent",
        details="Built case",
        decided_by=head,
        recorded_by=head,
        **extra,
    )


def on_cp_plan_with_ehcp(pupil: Any, dsl: Any) -> None:
    """A child protection plan from 1 October (3 points, DSL team only) and an EHC plan (2 points)."""
    from safeguarding.models import ProtectionStatus

    ProtectionStatus.objects.create(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        status="cp_plan",
        starts_on=datetime.date(2026, 10, 1),
        recorded_by=dsl,
    )
    pupil.sen_status = "E"
    pupil.save()


def queries_for(user: Any, url: str) -> int:
    """How many queries a second view of the page makes (the first warms the session and its caches)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.testing.personas import client_for

    client = client_for(user)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)
