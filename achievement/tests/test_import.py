"""Grades and initial assessments through the MIS import: all or nothing, each bad row named."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from achievement.models import AssessmentPoint, Course, InitialAssessment, Result
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from mis_import.models import ImportJob

pytestmark = pytest.mark.django_db

HEADER = "UPN,Course Code,Course,Scale,Assessment Point,Assessment Date,Target,Working At\r\n"


def _build_world():
    world = build_school_world()
    world.ben.upn = "B123456789012"
    world.ben.save()
    return world


world = shared_world(_build_world)


def _upload(client, capture, text: str, kind: str = "grades") -> ImportJob:
    file = SimpleUploadedFile("grades.csv", text.encode(), "text/csv")
    with capture(execute=True):
        response = client.post(
            reverse("achievement:import"), {"kind": kind, "file": file, "encoding": "auto"}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    job.refresh_from_db()
    return job


def _commit(client, capture, job: ImportJob) -> None:
    with capture(execute=True):
        response = client.post(reverse("mis_import:job_commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()


def test_it_imports_grades_on_each_scale_and_counts_steps_from_target(
    world, django_capture_on_commit_callbacks
):
    """New courses take the scale the row names; difference is working-at less target in grade steps."""
    text = HEADER + (
        "A123456789012,MA-GCSE,Mathematics,GCSE,Autumn,01/12/2026,7,5\r\n"
        "A123456789012,HI-AL,History,A level,Autumn,01/12/2026,B,A*\r\n"
        "B123456789012,BU-BT,Business,BTEC,Autumn,01/12/2026,D*,P\r\n"
    )
    client = client_for(world.admin)
    job = _upload(client, django_capture_on_commit_callbacks, text)
    assert job.status == ImportJob.Status.READY, job.errors
    _commit(client, django_capture_on_commit_callbacks, job)
    assert job.status == ImportJob.Status.IMPORTED
    got = {
        (r.course.code, r.target, r.working_at, r.difference) for r in Result.objects.select_related("course")
    }
    assert got == {("MA-GCSE", "7", "5", -2), ("HI-AL", "B", "A*", 2), ("BU-BT", "D*", "P", -3)}
    assert Course.objects.get(code="HI-AL").scale.kind == "a_level"
    assert AssessmentPoint.objects.count() == 1


def test_it_imports_nothing_when_a_row_is_wrong_and_names_each_error(
    world, django_capture_on_commit_callbacks
):
    text = HEADER + (
        "A123456789012,MA-GCSE,Mathematics,GCSE,Autumn,01/12/2026,7,5\r\n"
        "NOSUCHUPN0000,MA-GCSE,Mathematics,GCSE,Autumn,01/12/2026,7,5\r\n"
        "B123456789012,MA-GCSE,Mathematics,GCSE,Autumn,01/12/2026,7,A\r\n"
        "B123456789012,XX-1,Mystery,,Autumn,01/12/2026,7,5\r\n"
        "A123456789012,MA-GCSE,Mathematics,GCSE,Autumn,01/12/2026,6,6\r\n"
        "B123456789012,EN-GCSE,English,Klingon,Autumn,01/12/2026,7,5\r\n"
    )
    job = _upload(client_for(world.admin), django_capture_on_commit_callbacks, text)
    assert job.status == ImportJob.Status.INVALID
    assert [(e["line"], e["column"]) for e in job.errors] == [
        (3, "UPN"),
        (4, "Working At"),
        (5, "Scale"),
        (6, "Course Code"),
        (7, "Scale"),
    ]
    assert "not a grade" in job.errors[1]["message"]
    assert not Result.objects.exists() and not Course.objects.exists()


def test_it_updates_a_changed_grade_on_a_second_import(world, django_capture_on_commit_callbacks):
    client = client_for(world.admin)
    for working_at in ("5", "6"):
        job = _upload(
            client,
            django_capture_on_commit_callbacks,
            HEADER + f"A123456789012,MA,Maths,GCSE,Autumn,2026-12-01,7,{working_at}\r\n",
        )
        _commit(client, django_capture_on_commit_callbacks, job)
    assert job.summary["updated"] == 1
    assert Result.objects.get().difference == -1


def test_it_imports_initial_assessments(world, django_capture_on_commit_callbacks):
    text = "UPN,Subject,Result,Date\r\nA123456789012,English,Level 2,07/09/2026\r\nA123456789012,Maths,Level 1,07/09/2026\r\n"
    client = client_for(world.admin)
    job = _upload(client, django_capture_on_commit_callbacks, text, kind="initial")
    _commit(client, django_capture_on_commit_callbacks, job)
    assert set(InitialAssessment.objects.values_list("subject", "result")) == {
        ("English", "Level 2"),
        ("Maths", "Level 1"),
    }


def test_it_refuses_the_import_page_to_a_tutor(world):
    assert client_for(world.tutor).get(reverse("achievement:import")).status_code == 403
