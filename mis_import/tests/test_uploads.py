"""The upload form takes CSV text files only, up to a size the form states, and stores them under a plain name."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.testing.personas import build_school_world, client_for
from mis_import.models import ImportJob
from mis_import.samples import PUPIL_HEADER, pupil_rows, to_csv
from mis_import.tests.helpers import upload
from mis_import.uploads import safe_filename

pytestmark = pytest.mark.django_db

GOOD = to_csv(PUPIL_HEADER, pupil_rows(3)).encode()


@pytest.fixture
def admin():
    return client_for(build_school_world().admin)


def _post(client, name: str, content: bytes):
    file = SimpleUploadedFile(name, content, "application/octet-stream")
    return client.post(reverse("mis_import:index"), {"kind": "pupils", "encoding": "auto", "file": file})


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("page.html", b"<!doctype html><html><body>UPN,Surname</body></html>", "its name should end in .csv"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "its name should end in .csv"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200), "a Windows program"),
        ("report.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "a PDF document"),
        ("pupils.csv", b"\xef\xbb\xbf  <html><script>alert(1)</script></html>", "a web page"),
        ("pupils.csv", b"<?xml version='1.0'?><svg onload='alert(1)'/>", "starts with &#x27;&lt;&#x27;"),
        ("pupils.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(100), "an Excel workbook (.xlsx)"),
        ("pupils.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "Excel 97–2003 workbook"),
        ("pupils.csv", b"UPN,Surname\r\n\x00\x01\x02\x03binary", "NUL bytes"),
        ("pupils.csv", bytes(range(1, 9)) * 50, "binary data"),
    ],
)
def test_it_refuses_what_is_not_a_csv_file_and_says_why(admin, name, content, words):
    """By name and by content: nothing is queued, and the form says what the file is."""
    response = _post(admin, name, content)
    assert response.status_code == 200
    body = response.content.decode()
    assert words in body, body[body.find("error") : body.find("error") + 600]
    assert 'Export the list from your MIS (or save it from Excel) as "CSV UTF-8"' in body.replace(
        "&quot;", '"'
    )
    assert not ImportJob.objects.exists()


def test_it_refuses_a_file_over_the_size_limit_and_shows_the_limit_on_the_form(admin, settings):
    settings.PASTORAL_IMPORT_MAX_BYTES = 2 * 1024
    page = admin.get(reverse("mis_import:index")).content.decode()
    assert "A .csv file of at most 2.0 KB." in page
    big = to_csv(PUPIL_HEADER, pupil_rows(40)).encode()
    body = _post(admin, "pupils.csv", big).content.decode()
    assert "one import takes at most 2.0 KB" in body and "Split it into smaller files" in body
    assert not ImportJob.objects.exists()


def test_it_states_the_default_limit(admin):
    assert "A .csv file of at most 32.0 MB." in admin.get(reverse("mis_import:index")).content.decode()


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("..\\..\\windows\\system32\\pupils.csv", "pupils.csv"),
        ("C:\\Users\\office\\Desktop\\Year 7 export.csv", "Year 7 export.csv"),
        ('<img src=x onerror="alert(1)">.csv', "img src=x onerror=alert(1).csv"),
    ],
)
def test_it_stores_the_file_under_its_own_name_without_folders_or_markup(
    admin, django_capture_on_commit_callbacks, name, stored
):
    job = upload(admin, django_capture_on_commit_callbacks, GOOD, name=name)
    assert job.filename == stored and job.status == ImportJob.Status.READY


def test_it_strips_folders_and_markup_from_any_name():
    """The service stores the same plain name whatever calls it (the form, a script)."""
    assert safe_filename("../../etc/passwd.csv") == "passwd.csv"
    assert safe_filename("a/b/..") == "upload.csv"
    assert safe_filename("<script>alert(1)</script>.csv") == "script.csv"
    assert safe_filename("\x00\x07") == "upload.csv"
    long = safe_filename("x" * 300 + ".csv")
    assert len(long) == 255 and long.endswith(".csv")


def test_it_accepts_excel_unicode_text(admin, django_capture_on_commit_callbacks):
    """UTF-16 with its byte-order mark (Excel's "Unicode text", tab separated) is text, not binary."""
    content = GOOD.decode().replace(",", "\t").encode("utf-16")
    job = upload(admin, django_capture_on_commit_callbacks, content, encoding="auto", name="pupils.txt")
    assert job.status == ImportJob.Status.READY, job.errors
    assert job.summary["new"] == 3 and job.summary["encoding"] == "UTF-16 (Unicode text)"
