"""An upload of pupil data is on the school's audit log: who, which kind, which file, how many rows, then the
import."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.personas import client_for
from core.testing.world import shared_world
from mis_import.samples import PUPIL_HEADER, pupil_rows, to_csv
from mis_import.tests.helpers import commit, upload

pytestmark = pytest.mark.django_db


world = shared_world()


def _log(user) -> str:
    query = {"object_type": "mis_import.ImportJob"}
    return client_for(user).get(reverse("audit:event_list"), query).content.decode()


def test_it_audits_the_upload_with_who_the_kind_the_file_and_the_school(
    world, django_capture_on_commit_callbacks
):
    """The upload's event is written with the request (the administrator, the school, the file's name and kind)."""
    admin = client_for(world.admin)
    content = to_csv(PUPIL_HEADER, pupil_rows(4)).encode()
    job = upload(admin, django_capture_on_commit_callbacks, content, name="autumn-census.csv")
    created = AuditEvent.objects.get(action="create", object_type="mis_import.ImportJob")
    assert created.object_id == str(job.pk) and created.actor == world.admin
    assert created.organisation_id == world.school.pk
    assert created.changes["kind"] == [None, "pupils"] and created.changes["file"] == [
        None,
        "autumn-census.csv",
    ]
    assert created.changes["bytes"] == [None, len(content)]
    assert "uploaded: Pupils from autumn-census.csv" in created.note


def test_it_audits_the_rows_the_check_found(world, django_capture_on_commit_callbacks):
    """Once checked, a second event gives the rows, the clean rows and the errors, as the uploader's."""
    rows = pupil_rows(4)
    rows[1][PUPIL_HEADER.index("DOB")] = "99/99/2012"
    job = upload(
        client_for(world.admin), django_capture_on_commit_callbacks, to_csv(PUPIL_HEADER, rows).encode()
    )
    checked = AuditEvent.objects.get(
        action="update", object_type="mis_import.ImportJob", object_id=str(job.pk)
    )
    assert checked.actor == world.admin and checked.organisation_id == world.school.pk
    assert checked.changes["total_rows"] == [0, 4] and checked.changes["status"] == ["checking", "invalid"]
    assert "4 row(s), 3 without problems, 1 error(s)" in checked.note


def test_it_shows_the_upload_check_and_import_on_the_schools_log_only(
    world, django_capture_on_commit_callbacks
):
    """/audit/?object_type=mis_import.ImportJob lists all three for Oakfield's administrator, none for Riverside's."""
    admin = client_for(world.admin)
    job = upload(admin, django_capture_on_commit_callbacks, to_csv(PUPIL_HEADER, pupil_rows(3)).encode())
    commit(admin, job)
    page = _log(world.admin)
    assert "3 events" in page
    assert "uploaded: Pupils from export.csv" in page and "checked: Pupils from export.csv, 3 row(s)" in page
    assert "Pupils from export.csv: 3 rows, 3 new" in page
    assert "0 events" in _log(world.other_admin)
