"""Who may use the import pages, the progress bar, and the list of past imports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from mis_import.models import ImportJob
from mis_import.samples import PUPIL_HEADER, pupil_rows, to_csv
from mis_import.tests.helpers import commit, upload

pytestmark = pytest.mark.django_db


world = shared_world()


def _job(world, **fields) -> ImportJob:
    values = {
        "organisation": world.school,
        "uploaded_by": world.admin,
        "kind": "pupils",
        "filename": "pupils.csv",
        "content": to_csv(PUPIL_HEADER, pupil_rows(3)).encode(),
    }
    values.update(fields)
    return ImportJob.objects.create(**values)


@outsider_test("mis_import:job_detail", "mis_import:job_status", "mis_import:job_commit")
def test_it_hides_another_schools_import_with_404(world):
    job = _job(world, status=ImportJob.Status.READY)
    client = client_for(
        world.other_admin
    )  # Riverside's own administrator: may import, but not Oakfield's files
    assert_outsider_404(client, reverse("mis_import:job_detail", args=[job.pk]))
    assert_outsider_404(client, reverse("mis_import:job_status", args=[job.pk]))
    assert_outsider_404(client, reverse("mis_import:job_commit", args=[job.pk]), method="post")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY


def test_it_refuses_a_tutor_with_403(world):
    job = _job(world, status=ImportJob.Status.READY)
    client = client_for(world.tutor)
    assert client.get(reverse("mis_import:index")).status_code == 403
    assert client.get(reverse("mis_import:job_detail", args=[job.pk])).status_code == 403
    assert client.post(reverse("mis_import:job_commit", args=[job.pk])).status_code == 403
    senior = client_for(world.senior)
    assert senior.get(reverse("mis_import:index")).status_code == 403


def test_it_shows_the_nav_link_only_to_import_roles(world):
    assert 'href="/imports/"' in client_for(world.admin).get(reverse("home")).content.decode()
    assert 'href="/imports/"' not in client_for(world.tutor).get(reverse("home")).content.decode()


def test_it_shows_an_accessible_progress_bar_that_polls_while_checking(world):
    job = _job(world, status=ImportJob.Status.CHECKING, total_rows=2000, processed_rows=500)
    client = client_for(world.admin)
    page = client.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()
    status_url = reverse("mis_import:job_status", args=[job.pk])
    assert f'hx-get="{status_url}" hx-trigger="every 1s"' in page
    assert 'aria-live="polite"' in page and 'role="status"' in page
    assert '<progress id="import-progress-bar" class="progress" max="2000" value="500">25%</progress>' in page
    assert '<label for="import-progress-bar">' in page
    partial = client.get(status_url, headers={"HX-Request": "true"})
    assert "500 of 2000 rows checked (25%)" in partial.content.decode()
    assert "HX-Refresh" not in partial.headers


def test_it_reloads_the_page_when_the_check_is_done(world):
    job = _job(world, status=ImportJob.Status.READY, total_rows=3, processed_rows=3)
    response = client_for(world.admin).get(
        reverse("mis_import:job_status", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert response.headers["HX-Refresh"] == "true"


def test_it_previews_the_counts_before_importing(world, django_capture_on_commit_callbacks):
    client = client_for(world.admin)
    job = upload(client, django_capture_on_commit_callbacks, to_csv(PUPIL_HEADER, pupil_rows(7)).encode())
    page = client.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()
    assert "What importing would do" in page and "<strong>7</strong> new pupils" in page
    assert f'action="/imports/{job.pk}/import/"' in page


def test_it_lists_past_imports_a_page_at_a_time(world):
    for n in range(30):
        _job(world, filename=f"file{n:02d}.csv")
    _job(world, organisation=world.other_school, uploaded_by=world.other_admin, filename="riverside.csv")
    client = client_for(world.admin)
    first = client.get(reverse("mis_import:index")).content.decode()
    assert "file29.csv" in first and "file04.csv" not in first and "Page 1 of 2" in first
    second = client.get(reverse("mis_import:index"), {"page": 2}).content.decode()
    assert "file04.csv" in second
    assert "riverside.csv" not in first + second


def test_it_does_not_import_a_file_twice(world, django_capture_on_commit_callbacks):
    client = client_for(world.admin)
    job = upload(client, django_capture_on_commit_callbacks, to_csv(PUPIL_HEADER, pupil_rows(3)).encode())
    commit(client, job)
    assert job.status == ImportJob.Status.IMPORTED
    response = client.post(reverse("mis_import:job_commit", args=[job.pk]), follow=True)
    assert "This file is imported, so it cannot be imported." in response.content.decode()
    assert world.school.pupils.count() == 4 + 3


def test_it_shows_the_latest_imports_on_the_administrators_home_page(world):
    _job(world, filename="spring-census.csv", status=ImportJob.Status.IMPORTED)
    assert "spring-census.csv" in client_for(world.admin).get(reverse("home")).content.decode()
    assert "spring-census.csv" not in client_for(world.senior).get(reverse("home")).content.decode()


def test_it_says_a_file_is_importing_while_the_worker_writes_it(world):
    """Pressing Import twice before the worker starts queues one import only."""
    job = _job(world, status=ImportJob.Status.READY, total_rows=3, processed_rows=3)
    client = client_for(world.admin)
    client.post(reverse("mis_import:job_commit", args=[job.pk]))  # the on-commit task is not run here
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING and job.imported_by == world.admin
    page = client.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()
    assert "Importing 3 rows in one transaction" in page and 'hx-trigger="every 1s"' in page
    again = client.post(reverse("mis_import:job_commit", args=[job.pk]), follow=True).content.decode()
    assert "This file is importing, so it cannot be imported." in again
