"""Importing pupils: all or nothing, no duplicates on re-import, audited, fast enough for a whole school."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.personas import client_for
from core.testing.world import shared_world
from mis_import.models import ImportJob
from mis_import.samples import pupil_rows, to_csv
from mis_import.tests.helpers import commit, pupil_file, upload
from people.models import Group, GroupMembership, Pupil

pytestmark = pytest.mark.django_db


world = shared_world()


@pytest.fixture
def admin(world):
    return client_for(world.admin)


def _school_pupils(world) -> int:
    return Pupil.objects.filter(organisation=world.school).count()


def test_it_refuses_a_2000_row_file_with_one_bad_row_and_names_that_row(
    world, admin, django_capture_on_commit_callbacks
):
    """One impossible date in 2,000 rows: the job names line and column, and no record is written."""
    rows = pupil_rows(2000)
    rows[1499][5] = "31/02/2012"  # the 1,500th pupil is on line 1,501 (the header is line 1)
    before = (_school_pupils(world), Group.objects.count(), GroupMembership.objects.count())
    job = upload(admin, django_capture_on_commit_callbacks, pupil_file(rows))
    assert job.status == ImportJob.Status.INVALID
    assert job.total_rows == 2000 and job.processed_rows == 2000
    assert job.errors == [
        {
            "line": 1501,
            "column": "DOB",
            "message": "'31/02/2012' is not a real date (day 31, month 2, year 2012).",
        }
    ]
    page = admin.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()
    assert "1501" in page and "31/02/2012" in page and "nothing has been written" in page
    response = commit(admin, job)
    assert "cannot be imported" in response.content.decode()
    assert (_school_pupils(world), Group.objects.count(), GroupMembership.objects.count()) == before


def test_it_imports_the_corrected_file_in_one_transaction(world, admin, django_capture_on_commit_callbacks):
    """All 2,000 pupils arrive, with tutor groups, in a handful of bulk queries; checking takes seconds."""
    started = time.monotonic()
    job = upload(admin, django_capture_on_commit_callbacks, pupil_file(pupil_rows(2000)))
    checked_in = time.monotonic() - started
    assert job.status == ImportJob.Status.READY, job.errors[:3]
    assert job.summary["new"] == 2000
    assert checked_in < 6, f"checking 2,000 rows took {checked_in:.1f}s"
    with CaptureQueriesContext(connection) as queries:
        response = commit(admin, job)
    assert "Imported 2,000 rows from export.csv: 2,000 new" in response.content.decode()
    assert job.status == ImportJob.Status.IMPORTED
    # the import, the redirect and the job page after it: bulk writes keep this far below one query a row
    assert len(queries) < 120, f"{len(queries)} queries: the import should write in bulk"
    assert _school_pupils(world) == 4 + 2000
    # 7A to 13D: 9A, 9B and 10A existed and are reused, the other 25 are created
    assert Group.objects.filter(organisation=world.school, kind="tutor").count() == 28
    assert job.summary["details"]["tutor groups created"] == 25
    assert GroupMembership.objects.filter(organisation=world.school).count() == 4 + 2000
    pupil = Pupil.objects.get(organisation=world.school, mis_id="100000")
    assert pupil.memberships.get().group.name.startswith("7")


def test_it_writes_nothing_when_the_records_changed_after_the_check(
    world, admin, django_capture_on_commit_callbacks
):
    """The commit checks again inside its transaction: a clash that arrived since means no row is written."""
    rows = pupil_rows(50)
    job = upload(admin, django_capture_on_commit_callbacks, pupil_file(rows))
    assert job.status == ImportJob.Status.READY
    Pupil.objects.create(
        organisation=world.school,
        mis_id=rows[10][1],
        legal_first_name="Other",
        legal_last_name="Pupil",
        date_of_birth="2012-01-01",
        year_group=9,
    )
    Pupil.objects.create(
        organisation=world.school,
        upn=rows[10][0],
        legal_first_name="Third",
        legal_last_name="Pupil",
        date_of_birth="2012-01-01",
        year_group=9,
    )
    response = commit(admin, job)
    assert "The records changed after the check" in response.content.decode()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["line"] == 12 and "belongs to Third Pupil" in job.errors[0]["message"]
    assert _school_pupils(world) == 4 + 2


def test_it_updates_on_reimport_and_never_duplicates(world, admin, django_capture_on_commit_callbacks):
    rows = pupil_rows(300)
    commit(admin, upload(admin, django_capture_on_commit_callbacks, pupil_file(rows)))
    rows[5][2] = "Renamed"
    rows[6][0] = ""  # matched on the MIS id when the UPN is missing
    again = upload(admin, django_capture_on_commit_callbacks, pupil_file(rows))
    assert again.summary["new"] == 0 and again.summary["updated"] == 1 and again.summary["unchanged"] == 299
    commit(admin, again)
    assert _school_pupils(world) == 4 + 300
    assert Pupil.objects.get(organisation=world.school, mis_id=rows[5][1]).legal_last_name == "Renamed"
    assert Pupil.objects.get(organisation=world.school, mis_id=rows[6][1]).upn  # the UPN is kept, not blanked
    assert GroupMembership.objects.filter(organisation=world.school).count() == 4 + 300


def test_it_matches_an_existing_pupil_on_upn_then_mis_id(world, admin, django_capture_on_commit_callbacks):
    rows = pupil_rows(2)
    alice = world.alice
    alice.upn = rows[0][0]
    alice.save()
    job = upload(admin, django_capture_on_commit_callbacks, pupil_file(rows))
    assert job.summary["new"] == 1 and job.summary["updated"] == 1
    commit(admin, job)
    alice.refresh_from_db()
    assert alice.mis_id == rows[0][1] and alice.legal_last_name == rows[0][2]


def test_it_moves_a_pupil_to_their_new_tutor_group(world, admin, django_capture_on_commit_callbacks):
    """Alice's Reg Group changes from 9A to 9B: her 9A membership ends, a 9B one starts; no group is duplicated."""
    rows = [["", world.alice.mis_id, "Archer", "Alice", "", "01/05/2012", "F", "9", "9b", "N"]]
    job = upload(admin, django_capture_on_commit_callbacks, pupil_file(rows))
    assert job.summary["details"] == {"pupils placed in a tutor group": 1}
    commit(admin, job)
    assert [m.group for m in GroupMembership.objects.current().filter(pupil=world.alice)] == [world.group_9b]
    assert GroupMembership.objects.get(pupil=world.alice, group=world.group_9a).ends_on is not None
    assert Group.objects.filter(organisation=world.school, name__iexact="9b").count() == 1


def test_it_audits_the_import_and_a_later_edit(world, admin, django_capture_on_commit_callbacks):
    """The audit log shows one import event with the counts, then the hand edit with old → new."""
    job = upload(admin, django_capture_on_commit_callbacks, pupil_file(pupil_rows(40)))
    commit(admin, job)
    event = AuditEvent.objects.get(action="import")
    assert event.actor == world.admin and event.organisation == world.school
    assert event.changes["new"] == 40 and event.changes["rows"] == 40 and event.object_id == str(job.pk)
    assert "40 new" in event.note
    log = admin.get(reverse("audit:event_list")).content.decode()
    assert "export.csv" in log

    pupil = Pupil.objects.get(organisation=world.school, mis_id="100003")
    url = reverse("people:pupil_edit", args=[pupil.pk])
    form = admin.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update({"preferred_first_name": "Jojo", "site": ""})
    assert admin.post(url, data).status_code == 302
    edit = AuditEvent.objects.get(action="update", object_type="people.Pupil", object_id=str(pupil.pk))
    assert edit.changes["preferred_first_name"] == [pupil.preferred_first_name, "Jojo"]
    assert edit.actor == world.admin


def test_it_sets_and_changes_the_site_and_sen_status(world, admin, django_capture_on_commit_callbacks):
    north = world.school.sites.create(name="North Campus")
    south = world.school.sites.create(name="South Campus")
    header = ["Adno", "Surname", "Forename", "DOB", "Year", "Site", "SEN Status"]
    rows = [
        ["S1", "Shah", "Ria", "2013-02-01", "9", "north campus", "EHCP"],
        ["S2", "Lee", "Max", "2013-03-01", "9", "", ""],
    ]
    commit(admin, upload(admin, django_capture_on_commit_callbacks, to_csv(header, rows).encode()))
    ria = Pupil.objects.get(organisation=world.school, mis_id="S1")
    assert (ria.site, ria.sen_status) == (north, "E")
    rows[0][5], rows[0][6] = "South Campus", "K"
    job = upload(admin, django_capture_on_commit_callbacks, to_csv(header, rows).encode())
    assert (job.summary["updated"], job.summary["unchanged"]) == (1, 1)
    commit(admin, job)
    ria.refresh_from_db()
    assert (ria.site, ria.sen_status) == (south, "K")
    assert Pupil.objects.get(organisation=world.school, mis_id="S2").site is None
