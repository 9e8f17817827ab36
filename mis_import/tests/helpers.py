"""Uploading files through the real views in tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
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
    whole_file: bool = False,
) -> ImportJob:
    """Post a file to the upload form, run the background check (on commit), and return the job."""
    data = {"kind": kind, "encoding": encoding, "file": SimpleUploadedFile(name, content, "text/csv")}
    if whole_file:
        data["is_whole_file"] = "on"
    with capture(execute=True):
        response = client.post(reverse("mis_import:index"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk")


def commit(client: Any, job: ImportJob, **data: str) -> Any:
    """Press Import (with `data`: end_missing, ends_on), run the background import (on commit), and follow to
    the job page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("mis_import:job_commit", args=[job.pk]), data)
    assert response.status_code == 302
    response = client.get(response["Location"])
    job.refresh_from_db()
    return response


@contextmanager
def updates_failing_for(model: Any) -> Iterator[list[Any]]:
    """`QuerySet.update` fails for `model`, as if the database went away half-way through an import; yields the
    list of models updated meanwhile (so a test can show what was written before the failure)."""
    original = QuerySet.update
    calls: list[Any] = []

    def failing_update(self: QuerySet[Any], **kwargs: Any) -> int:
        calls.append(self.model)
        if self.model is model:
            raise RuntimeError("database went away")
        return original(self, **kwargs)

    with mock.patch.object(QuerySet, "update", failing_update):  # the task fails; its runner logs it
        yield calls
