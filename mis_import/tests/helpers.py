"""Uploading files through the real views in tests."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from mis_import.models import ImportJob
from mis_import.samples import PUPIL_HEADER, to_csv


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return to_csv(header, rows).encode(encoding)


def pupil_file(rows: list[list[str]]) -> bytes:
    return csv_bytes(PUPIL_HEADER, rows)


def upload(
    client: Any,
    capture: Any,
    content: bytes,
    kind: str = "pupils",
    encoding: str = "utf-8",
    name: str = "export.csv",
) -> ImportJob:
    """Post a file to the upload form, run the background check (on commit), and return the job."""
    with capture(execute=True):
        response = client.post(
            reverse("mis_import:index"),
            {"kind": kind, "encoding": encoding, "file": SimpleUploadedFile(name, content, "text/csv")},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk")


def commit(client: Any, job: ImportJob) -> Any:
    """Press Import, run the background import (on commit), and follow to the job page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("mis_import:job_commit", args=[job.pk]))
    assert response.status_code == 302
    response = client.get(response["Location"])
    job.refresh_from_db()
    return response
