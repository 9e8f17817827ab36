"""Pupil premium, FSM, young carer and SEN status through the MIS import: preview, all or nothing, each bad row
named, a damaged file answered with errors, never an exception."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from early_warning.imports import FACTORS, factors_sample
from early_warning.models import StudentFactor
from mis_import.models import ImportJob
from mis_import.reader import read

pytestmark = pytest.mark.django_db

HEADER = "UPN,MIS ID,Pupil Premium,Free School Meals,Young Carer,SEN Status\r\n"


def _build_world():
    world = build_school_world()
    world.ben.upn, world.ben.mis_id = "B123456789012", "2002"
    world.ben.save()
    StudentFactor.objects.create(organisation=world.school, pupil=world.ben, young_carer=True)
    return world


world = shared_world(_build_world)


def _upload(client, capture, text: str | bytes) -> ImportJob:
    raw = text.encode() if isinstance(text, str) else text
    with capture(execute=True):
        response = client.post(
            reverse("early_warning:import"),
            {"file": SimpleUploadedFile("factors.csv", raw, "text/csv"), "encoding": "auto"},
        )
    assert response.status_code == 302, response.context["form"].errors
    job = ImportJob.objects.latest("pk")
    job.refresh_from_db()
    return job


def _commit(client, capture, job: ImportJob) -> None:
    with capture(execute=True):
        assert client.post(reverse("mis_import:job_commit", args=[job.pk])).status_code == 302
    job.refresh_from_db()


def test_it_previews_then_imports_factors_and_sen_status(world, django_capture_on_commit_callbacks):
    """Alice: pupil premium and FSM, SEN support. Ben (by MIS id): empty young-carer cell keeps him a young
    carer; pupil premium N changes nothing new; EHC plan."""
    text = HEADER + "A123456789012,,Y,Y,N,K\r\n,2002,N,,,E\r\n"
    client = client_for(world.admin)
    job = _upload(client, django_capture_on_commit_callbacks, text)
    assert (job.kind, job.status) == ("factors", ImportJob.Status.READY), job.errors
    assert job.summary["new"] == 1 and job.summary["updated"] == 1
    assert not StudentFactor.objects.filter(pupil=world.alice).exists()  # the preview writes nothing
    preview = client.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()
    assert "Ready to import" in preview
    _commit(client, django_capture_on_commit_callbacks, job)
    assert job.status == ImportJob.Status.IMPORTED
    alice = StudentFactor.objects.get(pupil=world.alice)
    assert (alice.pupil_premium, alice.free_school_meals, alice.young_carer) == (True, True, False)
    ben = StudentFactor.objects.get(pupil=world.ben)
    assert (ben.pupil_premium, ben.young_carer) == (False, True)
    world.alice.refresh_from_db(), world.ben.refresh_from_db()
    assert (world.alice.sen_status, world.ben.sen_status) == ("K", "E")


def test_bad_rows_are_named_and_nothing_is_imported(world, django_capture_on_commit_callbacks):
    text = HEADER + (
        "A123456789012,,Y,Y,N,K\r\n"  # good, but the file has errors: not written
        "Z999999999999,,Y,,,\r\n"  # unknown pupil
        "B123456789012,,maybe,,,\r\n"  # not Y or N
        ",2002,,,,Q\r\n"  # unknown SEN status
        "A123456789012,,N,,,\r\n"  # Alice again
        ",2002,,,,\r\n"  # says nothing
    )
    job = _upload(client_for(world.admin), django_capture_on_commit_callbacks, text)
    assert job.status == ImportJob.Status.INVALID
    got = {(e["line"], e["column"]) for e in job.errors}
    assert got == {
        (3, "UPN"),
        (4, "Pupil Premium"),
        (5, "SEN Status"),
        (6, "UPN"),
        (7, "Pupil Premium"),
    }, job.errors
    messages = " ".join(e["message"] for e in job.errors)
    assert "No pupil with UPN Z999999999999" in messages and "on line 2 too" in messages
    assert not StudentFactor.objects.filter(pupil=world.alice).exists()
    world.alice.refresh_from_db()
    assert world.alice.sen_status == "N"
    response = client_for(world.admin).post(reverse("mis_import:job_commit", args=[job.pk]))
    assert response.status_code == 302 and not StudentFactor.objects.filter(pupil=world.alice).exists()


def test_a_damaged_file_gets_errors_and_nothing_is_imported(world, django_capture_on_commit_callbacks):
    """Half a UTF-8 character, a stray quote and a long run of separators: checked, errors, nothing written.
    A file with NUL bytes is refused at the upload."""
    raw = HEADER.encode() + b'A123456789012,,Y\xc3,Y,N,K\r\n"B123456789012,Y\r\n' + b"," * 300 + b"\r\n"
    job = _upload(client_for(world.admin), django_capture_on_commit_callbacks, raw)
    assert job.status == ImportJob.Status.INVALID and job.errors
    assert not StudentFactor.objects.filter(pupil=world.alice).exists()
    refused = client_for(world.admin).post(
        reverse("early_warning:import"),
        {"file": SimpleUploadedFile("factors.csv", b"UPN\x00,PP\r\n", "text/csv"), "encoding": "auto"},
    )
    assert refused.status_code == 200 and "binary data" in refused.content.decode()
    assert ImportJob.objects.count() == 1


def test_the_sample_file_reads_cleanly():
    parsed = read(factors_sample().encode(), "utf-8", FACTORS, max_rows=1000)
    assert not parsed.errors and len(parsed.rows) == 6


def test_only_the_school_administrator_and_senior_leaders_import(world):
    for user in (world.head_of_year9, world.dsl, world.pal):
        assert client_for(user).get(reverse("early_warning:import")).status_code == 403
    page = client_for(world.senior).get(reverse("early_warning:import"))
    assert page.status_code == 200 and "Pupil Premium" in page.content.decode()
