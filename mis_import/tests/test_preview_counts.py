"""The preview counts only the rows without problems, and says when no row could be read at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.personas import client_for
from core.testing.world import shared_world
from mis_import.models import ImportJob
from mis_import.samples import PUPIL_HEADER, pupil_rows, to_csv
from mis_import.tests.helpers import upload

pytestmark = pytest.mark.django_db


world = shared_world()

DOB, GENDER = PUPIL_HEADER.index("DOB"), PUPIL_HEADER.index("Gender")


@pytest.fixture
def admin(world):
    return client_for(world.admin)


def _page(admin, job: ImportJob) -> str:
    return admin.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()


def test_it_counts_only_the_one_clean_row_of_seven_with_eleven_errors(
    admin, django_capture_on_commit_callbacks
):
    """Lines 3 to 8 each have a bad date of birth, five of them a bad gender too: 1 of 7 rows, 1 new pupil."""
    rows = pupil_rows(7)
    for n, row in enumerate(rows[1:], start=1):
        row[DOB] = "99/99/2012"
        if n <= 5:
            row[GENDER] = "Q"
    job = upload(admin, django_capture_on_commit_callbacks, to_csv(PUPIL_HEADER, rows).encode())
    assert job.status == ImportJob.Status.INVALID and job.error_count == 11
    assert job.rows_without_problems == 1
    page = _page(admin, job)
    assert "What the rows without problems hold" in page
    assert "<strong>1</strong> of 7 rows without problems" in page
    assert "<strong>1</strong> new pupil</li>" in page
    assert "<strong>7</strong> rows" not in page and "<strong>11</strong> errors" in page


def test_it_leaves_out_a_row_the_planner_finds_wrong(admin, django_capture_on_commit_callbacks):
    """A UPN repeated on line 4 (the error is on line 4): 2 of 3 rows without problems, 2 new pupils."""
    rows = pupil_rows(3)
    rows[2][0] = rows[0][0]
    job = upload(admin, django_capture_on_commit_callbacks, to_csv(PUPIL_HEADER, rows).encode())
    assert [e["line"] for e in job.errors] == [4]
    page = _page(admin, job)
    assert "<strong>2</strong> of 3 rows without problems" in page
    assert "<strong>2</strong> new pupils</li>" in page


def test_it_says_the_rows_cannot_be_read_until_the_missing_columns_are_added(
    admin, django_capture_on_commit_callbacks
):
    """A header without date of birth and year: no counts (not "0 rows"), and why."""
    header = ["UPN", "Surname", "Forename", "Gender"]
    content = to_csv(header, [[r[0], r[2], r[3], r[6]] for r in pupil_rows(5)]).encode()
    job = upload(admin, django_capture_on_commit_callbacks, content)
    assert job.summary["unread"] == "columns"
    page = _page(admin, job)
    assert "The rows cannot be read until the missing columns are added to the file" in page
    assert "What the rows without problems hold" not in page and "<strong>0</strong> rows" not in page
    assert "Missing required columns" in page


def test_it_says_the_rows_of_an_unreadable_file_cannot_be_read_until_it_is_fixed(
    admin, django_capture_on_commit_callbacks
):
    """A header with no rows below it: the rows cannot be read until that problem is fixed."""
    job = upload(admin, django_capture_on_commit_callbacks, to_csv(PUPIL_HEADER, []).encode())
    assert job.summary["unread"] == "file"
    page = _page(admin, job)
    assert "The rows cannot be read until the problem below is fixed" in page
    assert "has a header row but no pupils below it" in page


def test_it_says_one_row_and_one_new_pupil_in_the_singular(admin, django_capture_on_commit_callbacks):
    """A clean file of one pupil: "1 row", "1 new pupil", and every row counted."""
    job = upload(admin, django_capture_on_commit_callbacks, to_csv(PUPIL_HEADER, pupil_rows(1)).encode())
    assert job.status == ImportJob.Status.READY and job.summary["clean_rows"] == 1
    page = _page(admin, job)
    assert "<strong>1</strong> row</li>" in page and "<strong>1</strong> new pupil</li>" in page
