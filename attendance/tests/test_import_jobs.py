"""Files of marks as real schools save them, through the attendance import page and the MIS import's preview."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance import imports, rollup
from attendance.models import AttendanceMark, MarkAmendment
from attendance.tests.helpers import mark
from audit.models import AuditEvent
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from mis_import.models import ImportJob

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 10, 5)


def _build_world():
    world = build_school_world()
    world.ben.upn, world.ben.legal_first_name = "B123456789012", "Benoît"
    world.ben.save()
    return world


world = shared_world(_build_world)


def _file(world, ending: str = "\r\n") -> str:
    """An Excel export with names, a note and a £ beside the marks (columns the import does not need)."""
    rows = [
        "UPN,Surname,Forename,Date,Session,Mark,Minutes Late,Note",
        f"{world.alice.upn},Archer,Alice,05/10/2026,AM,/,,",
        f"{world.alice.upn},Archer,Alice,05/10/2026,PM,L,12,Dinner money £2.50 owed",
        f"{world.ben.upn},Baker,Benoît,05/10/2026,AM,M,,Dentist – Zoë's mum rang",
        f"{world.ben.upn},Baker,Benoît,05/10/2026,PM,\\,,",
    ]
    return ending.join(rows) + ending


def _upload(client, capture, content: bytes, **data) -> ImportJob:
    file = SimpleUploadedFile("Marks export.csv", content, "text/csv")
    with capture(execute=True):  # the background check runs once the upload commits
        response = client.post(reverse("attendance:import"), {"file": file, **data})
    assert response.status_code == 302, response.content.decode()[:3000]
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == reverse("mis_import:job_detail", args=[job.pk])
    return job


def _import(client, capture, job: ImportJob) -> str:
    with capture(execute=True):
        response = client.post(reverse("mis_import:job_commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    return client.get(response["Location"]).content.decode()


def _codes(world) -> dict[tuple[str, str], tuple[str, int | None]]:
    return {
        (m.pupil.legal_first_name, m.session): (m.code, m.minutes_late)
        for m in AttendanceMark.objects.filter(organisation=world.school).select_related("pupil")
    }


EXPECTED = {
    ("Alice", "AM"): ("/", None),
    ("Alice", "PM"): ("L", 12),
    ("Benoît", "AM"): ("M", None),
    ("Benoît", "PM"): ("\\", None),
}


def test_it_imports_a_windows_1252_file_with_a_pound_sign_and_an_accented_name(
    world, django_capture_on_commit_callbacks
):
    """Excel's plain "CSV" on Windows: once a UnicodeDecodeError (a server error); now detected and previewed."""
    client = client_for(world.attendance_officer)
    content = _file(world).encode("cp1252")
    assert b"\xa3" in content and b"Beno\xeet" in content
    job = _upload(client, django_capture_on_commit_callbacks, content)
    assert job.status == ImportJob.Status.READY, job.errors
    page = client.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()
    assert "Read as Windows-1252 (ANSI) (detected)" in page
    assert "<strong>4</strong> new marks" in page and "What importing would do" in page
    assert not AttendanceMark.objects.exists()  # a preview writes nothing
    page = _import(client, django_capture_on_commit_callbacks, job)
    assert job.status == ImportJob.Status.IMPORTED and "Imported 4 rows from Marks export.csv" in page
    assert _codes(world) == EXPECTED
    assert rollup.differences() == []


@pytest.mark.parametrize("encoding", ["mac_roman", "utf-8"])
def test_it_imports_a_file_with_cr_only_line_endings(world, django_capture_on_commit_callbacks, encoding):
    """Excel for Mac's "CSV (Macintosh)" (lines end in CR alone, Mac Roman): once a `_csv.Error`."""
    client = client_for(world.attendance_officer)
    content = _file(world, ending="\r").encode(encoding)
    assert b"\n" not in content
    job = _upload(client, django_capture_on_commit_callbacks, content)
    assert job.status == ImportJob.Status.READY, job.errors
    assert job.total_rows == 4
    _import(client, django_capture_on_commit_callbacks, job)
    assert _codes(world) == EXPECTED


def test_it_reads_the_encoding_the_importer_chooses(world, django_capture_on_commit_callbacks):
    """A UTF-8 file said to be Windows-1252 is refused with the line that shows it, and nothing is written."""
    client = client_for(world.attendance_officer)
    job = _upload(client, django_capture_on_commit_callbacks, _file(world).encode("utf-8"), encoding="cp1252")
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["line"] == 3 and "The file is UTF-8, not Windows-1252" in job.errors[0]["message"]


def test_it_previews_amendments_and_audits_them_when_imported(world, django_capture_on_commit_callbacks):
    """A changed mark is counted as updated in the preview; importing keeps original, new, who, when and why."""
    mark(world.alice, MONDAY, "AM", "N")
    mark(world.alice, MONDAY, "PM", "L", minutes_late=12)
    client = client_for(world.attendance_officer)
    job = _upload(client, django_capture_on_commit_callbacks, _file(world).encode())
    assert (job.summary["new"], job.summary["updated"], job.summary["unchanged"]) == (2, 1, 1)
    _import(client, django_capture_on_commit_callbacks, job)
    amendment = MarkAmendment.objects.get()
    assert (amendment.original_code, amendment.new_code, amendment.reason) == ("N", "/", "MIS import")
    assert amendment.amended_by == world.attendance_officer
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.changes["kind"] == "marks" and event.changes["new"] == 2 and event.changes["updated"] == 1
    assert rollup.differences() == []


def test_it_names_each_bad_row_and_imports_nothing(world, django_capture_on_commit_callbacks):
    text = _file(world).replace(",PM,L,12,", ",PM,L,,").replace(",AM,M,", ",XX,M,")
    client = client_for(world.attendance_officer)
    job = _upload(client, django_capture_on_commit_callbacks, text.encode())
    assert [(e["line"], e["column"]) for e in job.errors] == [(3, "Minutes Late"), (4, "Session")]
    page = _import(client, django_capture_on_commit_callbacks, job)
    assert "Nothing was imported" in page and not AttendanceMark.objects.exists()


def test_it_writes_no_mark_when_the_import_fails_half_way(world, django_capture_on_commit_callbacks):
    """All or nothing: the roll-up failing after the marks are inserted leaves no mark behind."""
    client = client_for(world.attendance_officer)
    job = _upload(client, django_capture_on_commit_callbacks, _file(world).encode())
    with mock.patch.object(rollup, "apply", side_effect=RuntimeError("database went away")):
        _import(client, django_capture_on_commit_callbacks, job)
    assert job.status == ImportJob.Status.FAILED
    assert not AttendanceMark.objects.exists()


def test_it_lets_the_office_see_its_marks_jobs_but_not_other_imports(
    world, django_capture_on_commit_callbacks
):
    officer = client_for(world.attendance_officer)
    job = _upload(officer, django_capture_on_commit_callbacks, _file(world).encode())
    assert f'href="{reverse("attendance:import")}"' in officer.get(reverse("home")).content.decode()
    page = officer.get(reverse("attendance:import")).content.decode()
    assert "Marks export.csv" in page and "A .csv file of at most 32.0 MB." in page
    detail = officer.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()
    assert f'href="{reverse("attendance:import")}">Attendance import</a>' in detail
    pupils_job = ImportJob.objects.create(
        organisation=world.school, uploaded_by=world.admin, kind="pupils", filename="p.csv", content=b"x"
    )
    assert officer.get(reverse("mis_import:job_detail", args=[pupils_job.pk])).status_code == 403
    assert officer.get(reverse("mis_import:index")).status_code == 403
    admin_list = client_for(world.admin).get(reverse("mis_import:index")).content.decode()
    assert (
        "Marks export.csv" in admin_list and '<option value="marks">Attendance marks</option>' in admin_list
    )


def test_it_refuses_a_marks_job_to_a_tutor_with_403_and_to_another_school_with_404(
    world, django_capture_on_commit_callbacks
):
    job = _upload(
        client_for(world.attendance_officer), django_capture_on_commit_callbacks, _file(world).encode()
    )
    tutor = client_for(world.tutor)
    assert tutor.get(reverse("mis_import:job_detail", args=[job.pk])).status_code == 403
    assert tutor.post(reverse("mis_import:job_commit", args=[job.pk])).status_code == 403
    other = client_for(world.other_admin)
    assert other.get(reverse("mis_import:job_detail", args=[job.pk])).status_code == 404
    assert other.post(reverse("mis_import:job_commit", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY


def test_it_refuses_what_is_not_a_csv_on_the_attendance_page(world):
    client = client_for(world.attendance_officer)
    pdf = SimpleUploadedFile("marks.pdf", b"%PDF-1.4\n" + bytes(1000), "application/pdf")
    body = client.post(reverse("attendance:import"), {"file": pdf}).content.decode()
    assert "is a PDF document, not a CSV file" in body and not ImportJob.objects.exists()


def test_it_imports_through_the_thin_service_too(world):
    """`imports.import_marks` runs the same job at once (scripts): the £ file, read as Windows-1252."""
    result = imports.import_marks(
        actor=world.attendance_officer, organisation=world.school, data=_file(world).encode("cp1252")
    )
    assert result.ok and (result.created, result.amended, result.unchanged) == (4, 0, 0)
    assert ImportJob.objects.get().status == ImportJob.Status.IMPORTED
