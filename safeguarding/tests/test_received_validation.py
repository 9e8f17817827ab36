"""Receiving a CP file from a school elsewhere: every bad upload is refused with a clear message and nothing is
kept (not a ZIP, a ZIP without its members or with others, oversize packed or unpacked, the wrong format version,
bad fields and dangling references, a date of birth or UPN that is not the chosen pupil's); our own export passes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguarding import cp_file
from safeguarding.models import ReceivedFile
from safeguarding.services import received
from safeguarding.services.transfers import file_document

from .helpers import log, stepped_up
from .received_data import PDF, as_json, as_zip, document

pytestmark = pytest.mark.django_db

BORN = datetime.date(2012, 3, 4)


@pytest.fixture
def world(settings):
    from core.testing.personas import build_school_world

    world = build_school_world()
    world.alice.date_of_birth = BORN
    world.alice.upn = ""
    world.alice.save()
    return world


def refused(world, name: str, data: bytes, pupil=None) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        received.receive_upload(actor=world.dsl, pupil=pupil or world.alice, name=name, data=data)
    assert not ReceivedFile.objects.exists()
    return caught.value.messages


def test_it_refuses_a_file_that_is_not_a_zip(world):
    assert "This is not a ZIP file" in refused(world, "cp-file-transfer-9.zip", b"hello, not a zip")[0]
    assert "Upload the ZIP" in refused(world, "chronology.docx", b"PK\x03\x04...")[0]


def test_it_refuses_the_wrong_format_version(world):
    [message] = refused(world, "cp-file.json", as_json(document(format="pastoral-cp-file/2")))
    assert (
        message
        == "The file's format is 'pastoral-cp-file/2', not 'pastoral-cp-file/1': Pastoral cannot read it."
    )


def test_it_refuses_a_zip_without_its_members_or_with_others(world):
    only_json = as_zip({"cp-file.json": as_json()})
    assert refused(world, "t.zip", only_json) == [
        "The ZIP has no cp-file.pdf: it is not a transferred CP file."
    ]
    extra = as_zip({"cp-file.pdf": PDF, "cp-file.json": as_json(), "run.exe": b"MZ"})
    assert refused(world, "t.zip", extra) == ["The ZIP holds files a CP file does not: run.exe."]
    not_pdf = as_zip({"cp-file.pdf": b"<html>", "cp-file.json": as_json()})
    assert refused(world, "t.zip", not_pdf) == ["cp-file.pdf in the ZIP is not a PDF."]


def test_it_refuses_an_oversize_file_packed_or_unpacked(world, settings):
    settings.SAFEGUARDING_MAX_TRANSFER_BYTES = 4096
    big = as_zip({"cp-file.pdf": PDF + b" " * 5000, "cp-file.json": as_json()})
    assert len(big) < 4096  # spaces pack small: only unpacking shows the size
    assert refused(world, "t.zip", big) == ["cp-file.pdf is larger than 0.00390625 MB once unpacked."]
    assert refused(world, "t.json", b"{" + b" " * 5000 + b"}") == ["The file is larger than 0.00390625 MB."]
    assert refused(world, "t.json", b"") == ["The file is empty."]


def test_it_refuses_bad_json_and_names_each_bad_field(world):
    assert refused(world, "t.json", b"{not json")[0].startswith("cp-file.json is not valid JSON (line 1")
    doc = document()
    doc["concerns"][0]["logged_at"] = "yesterday"
    doc["concerns"][0]["category"] = "gossip"
    doc["concerns"][0]["mood"] = "sad"
    del doc["decisions"][0]["reason"]
    doc["referrals"][0]["made_on"] = "2025-13-01"
    doc["pupil"]["date_of_birth"] = 20120304
    doc["surprise"] = []
    messages = refused(world, "t.json", as_json(doc))
    assert messages == [
        "'surprise' is not a section of this format",
        "pupil.date_of_birth: not a date (YYYY-MM-DD)",
        "concerns[0]: 'mood' is not a field of this format",
        "concerns[0].logged_at: not a date and time with its time zone",
        "concerns[0].category: 'gossip' is not one of " + ", ".join(cp_file.Category.values),
        "decisions[0]: no reason",
        "referrals[0].made_on: not a date (YYYY-MM-DD)",
    ]


def test_it_refuses_references_outside_the_file(world):
    doc = document()
    doc["decisions"][0]["concern"] = 99
    doc["chronology_entries"][0]["corrects"] = 41
    doc["chronology_entries"].append({**doc["chronology_entries"][0], "id": 41})
    assert refused(world, "t.json", as_json(doc)) == ["chronology_entries: two records share a number"]
    doc["chronology_entries"].pop()
    assert refused(world, "t.json", as_json(doc)) == [
        "decisions[0].concern: no record #99 in concerns of this file"
    ]


def test_it_refuses_a_date_of_birth_or_upn_that_is_not_the_pupils(world):
    doc = document()
    doc["pupil"]["date_of_birth"] = "2012-03-05"
    assert refused(world, "t.json", as_json(doc)) == [
        "The file's date of birth (5 Mar 2012) does not match Alice Archer's (4 Mar 2012): choose the right "
        "pupil, or ask the sending school."
    ]
    world.alice.upn = "A123456789012"
    world.alice.save()
    doc = document()
    doc["pupil"]["upn"] = "B999999999999"
    assert refused(world, "t.json", as_json(doc)) == [
        "The file's UPN (B999999999999) does not match Alice Archer's (A123456789012): choose the right pupil, "
        "or ask the sending school."
    ]
    doc["pupil"]["upn"] = ""  # one side without a UPN: the date of birth decides
    assert received.receive_upload(actor=world.dsl, pupil=world.alice, name="t.json", data=as_json(doc))


def test_the_upload_page_shows_the_error_and_keeps_nothing(world, settings):
    client = stepped_up(world.dsl)
    upload = SimpleUploadedFile("cp-file-transfer-9.zip", b"not a zip", content_type="application/zip")
    response = client.post(reverse("safeguarding:received"), {"pupil": world.alice.pk, "file": upload})
    assert response.status_code == 400
    assert "This is not a ZIP file" in response.content.decode()
    assert not ReceivedFile.objects.exists()
    settings.SAFEGUARDING_MAX_TRANSFER_BYTES = 4096
    big = SimpleUploadedFile("t.zip", b"PK\x03\x04" + b"x" * 9000, content_type="application/zip")
    response = client.post(reverse("safeguarding:received"), {"pupil": world.alice.pk, "file": big})
    assert response.status_code == 400 and "The file is larger than" in response.content.decode()
    assert not ReceivedFile.objects.exists()
    stored = settings.MEDIA_ROOT / "safeguarding"
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))


def test_our_own_export_passes_the_check(world):
    """What the transfer sends is what the check accepts (names, agency names and referral steps included)."""
    log(world, actor=world.dsl)
    assert cp_file.check_document(file_document(world.alice)) == []
