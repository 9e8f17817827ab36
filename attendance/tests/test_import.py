"""MIS CSV import of marks: all or nothing, with row-level errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance import imports
from attendance.models import AttendanceMark, MarkAmendment
from attendance.tests.helpers import mark
from core.testing.personas import client_for
from core.testing.world import shared_world
from mis_import.models import ImportJob

pytestmark = pytest.mark.django_db


world = shared_world()


def test_it_imports_good_rows_and_amends_changed_marks(world):
    world.ben.upn = "B123456789012"
    world.ben.save()
    import datetime

    mark(world.alice, datetime.date(2026, 10, 5), "AM", "N")
    csv = (
        "UPN,date,session,code,minutes_late\n"
        "A123456789012,2026-10-05,AM,I,\n"
        "A123456789012,2026-10-05,PM,L,10\n"
        "B123456789012,2026-10-05,AM,/,\n"
    )
    result = imports.import_marks(actor=world.admin, organisation=world.school, data=csv.encode())
    assert result.ok and (result.created, result.amended) == (2, 1)
    assert AttendanceMark.objects.get(pupil=world.alice, session="PM").minutes_late == 10
    assert MarkAmendment.objects.get().reason == "MIS import"


def test_it_imports_nothing_when_any_row_is_wrong_and_names_each_error(world):
    csv = (
        "upn,date,session,code,minutes_late\n"
        "A123456789012,2026-10-05,AM,I,\n"
        "NOSUCHUPN0000,2026-10-05,AM,/,\n"
        "A123456789012,05/10/2026,AM,/,\n"
        "A123456789012,2026-10-06,EV,/,\n"
        "A123456789012,2026-10-07,AM,ZZ,\n"
        "A123456789012,2026-10-08,AM,L,\n"
        "A123456789012,2026-10-05,AM,O,\n"
        "Rory,2026-10-05,AM,/,\n"
    )
    result = imports.import_marks(actor=world.admin, organisation=world.school, data=csv.encode())
    errors = {(e.line, e.column) for e in result.errors}
    assert errors == {
        (3, "upn"),
        (4, "date"),
        (5, "session"),
        (6, "code"),
        (7, "minutes_late"),
        (8, "date"),
        (9, "upn"),
    }
    assert not AttendanceMark.objects.exists()


def test_it_rejects_a_file_without_the_needed_columns(world):
    result = imports.import_marks(
        actor=world.admin, organisation=world.school, data=b"name,when\nAlice,today\n"
    )
    assert not result.ok and result.errors[0].line == 1


def test_it_shows_row_errors_on_the_import_page(world, django_capture_on_commit_callbacks):
    client = client_for(world.attendance_officer)
    upload = SimpleUploadedFile(
        "marks.csv", b"upn,date,session,code\nA123456789012,2026-10-05,AM,QQ\n", content_type="text/csv"
    )
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # the background check runs once the upload commits
        uploaded = client.post(reverse("attendance:import"), {"file": upload})
    body = client.get(uploaded["Location"]).content.decode()
    assert "Nothing was imported" in body and "&#x27;QQ&#x27; is not a national attendance code." in body
    good = SimpleUploadedFile(
        "marks.csv", b"upn,date,session,code\nA123456789012,2026-10-05,AM,M\n", content_type="text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post(reverse("attendance:import"), {"file": good})
    assert uploaded.status_code == 302
    job = ImportJob.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=True):  # the preview's Import button
        client.post(reverse("mis_import:job_commit", args=[job.pk]))
    assert AttendanceMark.objects.get().code == "M"


def test_it_refuses_the_import_to_a_tutor_with_403(world):
    assert client_for(world.tutor).get(reverse("attendance:import")).status_code == 403
