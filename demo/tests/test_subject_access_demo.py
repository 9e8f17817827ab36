"""The subject-access export holds what every app keeps on a pupil (checked on the demo world, where each app
has written real records)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from attendance.models import AttendanceMark, ContactLog, LessonMark
from behaviour.models import IncidentPupil, Suspension
from people.models import Pupil
from support_plans.models import Meeting, SecureLink, SupportPlan, Target

pytestmark = pytest.mark.django_db


def _document(pupil: Pupil) -> dict:
    from people.subject_access import subject_access_document

    return json.loads(json.dumps(subject_access_document(pupil), default=str))


def test_it_exports_a_pupils_attendance_with_every_mark_contact_and_lesson_mark(world):
    pupil = Pupil.objects.filter(pk__in=ContactLog.objects.values("pupil_id")).first()
    document = _document(pupil)["attendance"]
    assert len(document["marks"]) == AttendanceMark.objects.filter(pupil=pupil).count() > 0
    assert {m["code"] for m in document["marks"]} <= {
        m.code for m in AttendanceMark.objects.filter(pupil=pupil)
    }
    assert "category" in document["marks"][0] and "recorded_at" in document["marks"][0]
    assert len(document["contact_log"]) == ContactLog.objects.filter(pupil=pupil).count()
    lesson = LessonMark.objects.first()
    if lesson is not None:
        assert _document(lesson.pupil)["attendance"]["lesson_marks"]


def test_it_exports_incidents_without_naming_the_other_pupils_involved(world):
    shared = IncidentPupil.objects.values("incident_id").annotate(n=Count("id")).filter(n__gt=1)
    link = IncidentPupil.objects.filter(incident_id__in=[row["incident_id"] for row in shared]).first()
    assert link is not None, "the demo world has a multi-pupil incident"
    document = _document(link.pupil)["behaviour"]
    exported = next(i for i in document["incidents"] if i["id"] == link.incident_id)
    assert exported["other_pupils_involved"] >= 1 and "pupils" not in exported
    others = IncidentPupil.objects.filter(incident_id=link.incident_id).exclude(pupil=link.pupil)
    text = json.dumps(document)
    assert all(other.pupil.legal_last_name not in text for other in others)


def test_it_exports_suspensions_and_support_plans_without_link_tokens(world):
    suspended = Suspension.objects.first().pupil
    assert _document(suspended)["behaviour"]["suspensions"]
    plan = SupportPlan.objects.filter(pk__in=Target.objects.values("plan_id")).first()
    assert plan is not None, "the demo world has a plan with targets"
    document = _document(plan.pupil)["support_plans"]["support_plans"]
    exported = next(p for p in document if p["id"] == plan.pk)
    assert len(exported["targets"]) == Target.objects.filter(plan=plan).count()
    assert len(exported["meetings"]) == Meeting.objects.filter(plan=plan).count()
    link = SecureLink.objects.create(
        organisation=plan.organisation,
        plan=plan,
        purpose=SecureLink.Purpose.values[0],
        token_hash="f" * 64,
        created_by=plan.coordinator,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    links = next(
        p for p in _document(link.plan.pupil)["support_plans"]["support_plans"] if p["id"] == link.plan_id
    )["links"]
    assert links and all("token_hash" not in row for row in links)
    assert link.token_hash not in json.dumps(links)


def test_the_download_is_json_for_a_dsl(world):
    from access.models import RoleAssignment
    from access.roles import Role
    from core.testing.personas import client_for

    dsl = RoleAssignment.objects.filter(role=Role.DSL).select_related("user", "organisation").first()
    pupil = Pupil.objects.filter(organisation=dsl.organisation).first()
    response = client_for(dsl.user).get(reverse("people:pupil_subject_access", args=[pupil.pk]))
    assert response.status_code == 200
    assert set(json.loads(response.content)) >= {"people", "attendance", "behaviour", "support_plans"}
