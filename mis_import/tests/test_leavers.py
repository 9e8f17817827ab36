"""Whole-roll pupil files: the pupils missing from the file are listed in the preview and marked as left (their
group memberships ended) only when the administrator ticks the box, in the import's one transaction, audited.
A partial file never marks leavers, and a failing import leaves everything as it was."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.testing.factories import PupilFactory
from core.testing.personas import client_for
from core.testing.world import shared_world
from mis_import.models import ImportJob
from mis_import.samples import pupil_rows
from mis_import.tests.helpers import commit, pupil_file, updates_failing_for, upload
from people.models import GroupMembership, Pupil

pytestmark = pytest.mark.django_db


world = shared_world()


@pytest.fixture
def admin(world):
    return client_for(world.admin)


def _roll(world) -> bytes:  # noqa: ANN001
    """Alice and Ben stay (matched on MIS id), three pupils join; Cleo and Dan are not in the file."""
    rows = pupil_rows(3)
    rows.append(["", world.alice.mis_id, "Archer", "Alice", "", "01/05/2012", "F", "9", "9A", "N"])
    rows.append(["", world.ben.mis_id, "Baker", "Ben", "", "02/06/2012", "M", "9", "9A", "N"])
    return pupil_file(rows)


def _upload(client, capture, content: bytes, full_roll: bool = True) -> ImportJob:  # noqa: ANN001
    return upload(client, capture, content, name="roll.csv", whole_file=full_roll)


def _state(world):  # noqa: ANN001, ANN202
    pupils = sorted(Pupil.objects.filter(organisation=world.school).values_list("pk", "left_on"))
    memberships = sorted(
        GroupMembership.objects.filter(organisation=world.school).values_list("pk", "ends_on")
    )
    return pupils, memberships


def test_it_lists_the_missing_pupils_in_the_preview_with_the_count_and_names(
    world, admin, django_capture_on_commit_callbacks
):
    job = _upload(admin, django_capture_on_commit_callbacks, _roll(world))
    assert job.status == ImportJob.Status.READY, job.errors
    assert sorted(p["name"] for p in job.summary["missing"]) == ["Cleo Cole", "Dan Dyer"]
    page = admin.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()
    assert "<strong>2</strong> pupils on roll are not in it" in page
    assert "Cleo Cole" in page and "Dan Dyer" in page
    assert "Mark these 2 pupils as left and end their group memberships" in page


def test_it_leaves_missing_pupils_on_roll_unless_the_box_is_ticked(
    world, admin, django_capture_on_commit_callbacks
):
    job = _upload(admin, django_capture_on_commit_callbacks, _roll(world))
    page = commit(admin, job).content.decode()
    assert job.status == ImportJob.Status.IMPORTED
    world.cleo.refresh_from_db()
    assert world.cleo.left_on is None
    assert GroupMembership.objects.current().filter(pupil=world.cleo).exists()
    assert "2 pupils missing from the file were left on roll" in page


def test_it_marks_the_missing_pupils_as_left_and_ends_their_memberships_when_ticked(
    world, admin, django_capture_on_commit_callbacks
):
    job = _upload(admin, django_capture_on_commit_callbacks, _roll(world))
    on = timezone.localdate() - datetime.timedelta(days=3)
    page = commit(admin, job, end_missing="1", ends_on=on.isoformat()).content.decode()
    assert job.status == ImportJob.Status.IMPORTED and job.ends_on == on
    for pupil in (world.cleo, world.dan):
        pupil.refresh_from_db()
        assert pupil.left_on == on
        assert not GroupMembership.objects.current().filter(pupil=pupil).exists()
        assert GroupMembership.objects.get(pupil=pupil).ends_on == on
    world.alice.refresh_from_db()
    assert world.alice.left_on is None  # in the file: stays on roll
    assert Pupil.objects.filter(organisation=world.school).count() == 4 + 3
    assert job.summary["details"]["pupils marked as left"] == 2
    assert job.summary["details"]["group memberships ended"] == 2
    assert "marked as left on" in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT, object_id=str(job.pk))
    assert event.changes["end_missing"] is True and event.changes["ends_on"] == on.isoformat()
    assert sorted(p["name"] for p in event.changes["missing"]) == ["Cleo Cole", "Dan Dyer"]


def test_it_uses_the_import_date_by_default_and_refuses_a_future_date(
    world, admin, django_capture_on_commit_callbacks
):
    job = _upload(admin, django_capture_on_commit_callbacks, _roll(world))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = commit(admin, job, end_missing="1", ends_on=tomorrow.isoformat()).content.decode()
    assert "The date cannot be in the future." in page and job.status == ImportJob.Status.READY
    commit(admin, job, end_missing="1", ends_on=timezone.localdate().isoformat())
    world.dan.refresh_from_db()
    assert world.dan.left_on == timezone.localdate()


def test_it_never_marks_leavers_from_a_partial_file(world, admin, django_capture_on_commit_callbacks):
    job = _upload(admin, django_capture_on_commit_callbacks, _roll(world), full_roll=False)
    assert "missing" not in job.summary
    page = admin.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()
    assert "missing from the file" not in page
    page = commit(admin, job, end_missing="1", ends_on=timezone.localdate().isoformat()).content.decode()
    assert "Only a file that is the whole list can end what is missing from it." in page
    assert job.status == ImportJob.Status.READY
    world.cleo.refresh_from_db()
    assert world.cleo.left_on is None


def test_it_refuses_the_whole_list_box_for_a_contacts_file(world, admin):
    response = admin.post(
        reverse("mis_import:index"),
        {
            "kind": "contacts",
            "encoding": "utf-8",
            "is_whole_file": "on",
            "file": SimpleUploadedFile("contacts.csv", b"Contact ID,Forename\nC1,A\n", "text/csv"),
        },
    )
    assert (
        response.status_code == 200
        and "Only a pupil, groups or staff file can be the whole list." in response.content.decode()
    )


def test_it_changes_nothing_when_the_missing_pupils_changed_since_the_preview(
    world, admin, django_capture_on_commit_callbacks
):
    """A pupil admitted after the preview would be marked as left unseen: the import is refused instead."""
    job = _upload(admin, django_capture_on_commit_callbacks, _roll(world))
    PupilFactory(organisation=world.school, legal_first_name="Newly", legal_last_name="Arrived", year_group=7)
    before = _state(world)
    page = commit(admin, job, end_missing="1", ends_on=timezone.localdate().isoformat()).content.decode()
    assert job.status == ImportJob.Status.INVALID
    assert "have changed since the preview" in page
    assert _state(world) == before  # not even the new and updated rows were written


def test_it_changes_nothing_when_a_row_fails_in_the_import_transaction(
    world, admin, django_capture_on_commit_callbacks
):
    """The memberships' update fails after the new pupils and the leaving dates were written: the one
    transaction undoes all of it."""
    job = _upload(admin, django_capture_on_commit_callbacks, _roll(world))
    before = _state(world)
    with updates_failing_for(GroupMembership) as calls:
        page = commit(admin, job, end_missing="1", ends_on=timezone.localdate().isoformat())
    assert "Something went wrong" in page.content.decode()
    assert Pupil in calls and GroupMembership in calls  # the leaving dates were written, then it failed
    assert _state(world) == before
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, object_id=str(job.pk)).exists()
