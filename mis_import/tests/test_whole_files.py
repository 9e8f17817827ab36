"""Whole groups and staff files: what is missing from them (group memberships, tutor and PAL roles; staff and
their school roles) is listed in the preview and ended, never deleted, only when the administrator ticks the box,
in the import's one transaction, and only at the uploading school. A partial file ends nothing, and a failing
import leaves everything as it was."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from audit.models import AuditEvent
from core.testing.factories import GroupFactory, GroupMembershipFactory, RoleFactory
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from mis_import.models import ImportJob
from mis_import.samples import to_csv
from mis_import.tests.helpers import commit, updates_failing_for, upload
from people.models import GroupMembership, StaffMember

pytestmark = pytest.mark.django_db

GROUP_HEADER = ["Group", "Group Type", "Pupil MIS ID", "Tutor Email", "PAL Email"]


def _build_world():
    world = build_school_world()
    # Riverside has a tutor group of its own, with a member and a tutor: nothing Oakfield imports may touch it.
    group = GroupFactory(organisation=world.other_school, name="9R")
    GroupMembershipFactory(group=group, pupil=world.rory)
    RoleFactory(organisation=world.other_school, user=world.outsider, role=Role.TUTOR, group=group)
    return world


world = shared_world(_build_world)


@pytest.fixture
def admin(world):
    return client_for(world.admin)


def _groups_file(world, header: list[str] = GROUP_HEADER) -> bytes:  # noqa: ANN001
    """Alice and Ben stay in 9A with Tess as tutor and Paul as PAL, Dan in 10A but off Paul's caseload;
    Cleo (9B) is not in the file."""
    rows = [
        ["9A", "Tutor", world.alice.mis_id, "tess@oakfield.test", "paul@oakfield.test"],
        ["9A", "Tutor", world.ben.mis_id, "", ""],
        ["10A", "Tutor", world.dan.mis_id, "", ""],
    ]
    return to_csv(header, [row[: len(header)] for row in rows]).encode()


def _staff_file(world, leave_out: tuple[str, ...] = ("hugo@oakfield.test",)) -> bytes:  # noqa: ANN001
    """Every member of Oakfield's staff but those left out."""
    rows = [
        [m.first_name, m.last_name, m.user.email]
        for m in StaffMember.objects.filter(organisation=world.school).select_related("user")
        if m.user.email not in leave_out
    ]
    return to_csv(["Forename", "Surname", "Email"], rows).encode()


def _state(world):  # noqa: ANN001, ANN202
    """Every membership, role and staff record of both schools, as it stands."""
    return (
        sorted(GroupMembership.objects.values_list("pk", "organisation_id", "starts_on", "ends_on")),
        sorted(RoleAssignment.objects.values_list("pk", "organisation_id", "starts_on", "ends_on")),
        sorted(StaffMember.objects.values_list("pk", "organisation_id", "is_active")),
    )


def _page(client, job: ImportJob) -> str:  # noqa: ANN001
    return client.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()


# --- Groups ------------------------------------------------------------------------------------


def test_it_lists_the_memberships_and_roles_missing_from_a_whole_groups_file_in_the_preview(
    world, admin, django_capture_on_commit_callbacks
):
    job = upload(
        admin, django_capture_on_commit_callbacks, _groups_file(world), kind="groups", whole_file=True
    )
    assert job.status == ImportJob.Status.READY, job.errors
    assert [(m["name"], m["detail"]) for m in job.summary["missing"]] == [
        ("Cleo Cole", "Member of 9B"),
        ("Paul Pal", "10A on their PAL caseload"),
    ]
    page = _page(admin, job)
    assert "<strong>2</strong> current memberships or tutor and PAL roles are not in it" in page
    assert "Member of 9B" in page and "10A on their PAL caseload" in page
    assert "End these 2 memberships and roles" in page


def test_it_ends_the_missing_memberships_and_roles_on_the_date_keeping_them_when_ticked(
    world, admin, django_capture_on_commit_callbacks
):
    job = upload(
        admin, django_capture_on_commit_callbacks, _groups_file(world), kind="groups", whole_file=True
    )
    on = timezone.localdate() - datetime.timedelta(days=2)
    page = commit(admin, job, end_missing="1", ends_on=on.isoformat()).content.decode()
    assert job.status == ImportJob.Status.IMPORTED and job.ends_on == on
    assert GroupMembership.objects.get(pupil=world.cleo).ends_on == on  # ended, not deleted
    assert RoleAssignment.objects.get(user=world.pal, group=world.group_10a).ends_on == on
    for pupil in (world.alice, world.ben, world.dan):
        assert GroupMembership.objects.current().filter(pupil=pupil).exists()
    assert RoleAssignment.objects.current().filter(user=world.tutor, group=world.group_9a).exists()
    assert RoleAssignment.objects.current().filter(user=world.pal, group=world.group_9a).exists()
    assert GroupMembership.objects.current().filter(pupil=world.rory).exists()  # Riverside's, not in the file
    assert RoleAssignment.objects.current().filter(user=world.outsider, role=Role.TUTOR).exists()
    assert job.summary["details"]["group memberships ended"] == 1
    assert job.summary["details"]["groups taken off a PAL caseload"] == 1
    assert "2 memberships or roles ended on" in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT, object_id=str(job.pk))
    assert event.changes["whole_file"] is True and event.changes["end_missing"] is True
    assert event.changes["ends_on"] == on.isoformat() and len(event.changes["missing"]) == 2


def test_it_ends_nothing_unless_the_box_is_ticked(world, admin, django_capture_on_commit_callbacks):
    job = upload(
        admin, django_capture_on_commit_callbacks, _groups_file(world), kind="groups", whole_file=True
    )
    before = _state(world)
    page = commit(admin, job).content.decode()
    assert job.status == ImportJob.Status.IMPORTED
    assert _state(world) == before
    assert "2 memberships or roles missing from the file were left as they were" in page


def test_it_ends_nothing_from_a_partial_groups_file(world, admin, django_capture_on_commit_callbacks):
    job = upload(admin, django_capture_on_commit_callbacks, _groups_file(world), kind="groups")
    assert "missing" not in job.summary and "missing from the file" not in _page(admin, job)
    before = _state(world)
    page = commit(admin, job, end_missing="1", ends_on=timezone.localdate().isoformat()).content.decode()
    assert "Only a file that is the whole list can end what is missing from it." in page
    assert job.status == ImportJob.Status.READY
    commit(admin, job)
    assert job.status == ImportJob.Status.IMPORTED and _state(world) == before


def test_it_leaves_alone_the_roles_a_whole_file_has_no_column_for(
    world, admin, django_capture_on_commit_callbacks
):
    """Without a PAL Email column the file says nothing about caseloads, so none is listed or ended."""
    content = _groups_file(world, header=GROUP_HEADER[:4])
    job = upload(admin, django_capture_on_commit_callbacks, content, kind="groups", whole_file=True)
    assert [m["detail"] for m in job.summary["missing"]] == ["Member of 9B"]


def test_it_changes_nothing_when_a_row_is_wrong_by_the_time_of_the_import(
    world, admin, django_capture_on_commit_callbacks
):
    """Tess leaves the staff list after the preview: her row is now wrong, so no membership or role ends."""
    job = upload(
        admin, django_capture_on_commit_callbacks, _groups_file(world), kind="groups", whole_file=True
    )
    StaffMember.objects.filter(user=world.tutor).update(is_active=False)
    before = _state(world)
    page = commit(admin, job, end_missing="1", ends_on=timezone.localdate().isoformat()).content.decode()
    assert job.status == ImportJob.Status.INVALID
    assert "No staff member with e-mail tess@oakfield.test" in page
    assert _state(world) == before


def test_it_changes_nothing_when_the_missing_list_changed_since_the_preview(
    world, admin, django_capture_on_commit_callbacks
):
    """A membership added after the preview would be ended unseen: the import is refused instead."""
    job = upload(
        admin, django_capture_on_commit_callbacks, _groups_file(world), kind="groups", whole_file=True
    )
    GroupMembershipFactory(group=world.group_10a, pupil=world.cleo)
    before = _state(world)
    page = commit(admin, job, end_missing="1", ends_on=timezone.localdate().isoformat()).content.decode()
    assert job.status == ImportJob.Status.INVALID and "have changed since the preview" in page
    assert _state(world) == before


# --- Staff -------------------------------------------------------------------------------------


def test_it_lists_the_staff_missing_from_a_whole_staff_file_with_their_roles(
    world, admin, django_capture_on_commit_callbacks
):
    job = upload(admin, django_capture_on_commit_callbacks, _staff_file(world), kind="staff", whole_file=True)
    assert job.status == ImportJob.Status.READY, job.errors
    assert job.summary["missing"] == [
        {
            "id": StaffMember.objects.get(user=world.head_of_year9).pk,
            "name": "Hugo Head",
            "detail": "hugo@oakfield.test; Head of year or house (Year 9)",
        }
    ]
    page = _page(admin, job)
    assert "<strong>1</strong> member of staff is not in it" in page
    assert "Mark this member of staff as no longer at the school and end their roles here" in page


def test_it_marks_missing_staff_inactive_and_ends_their_roles_here_when_ticked(
    world, admin, django_capture_on_commit_callbacks
):
    hugo = world.head_of_year9
    RoleFactory(organisation=world.other_school, user=hugo, role=Role.SENIOR_LEADER)  # his post elsewhere
    job = upload(admin, django_capture_on_commit_callbacks, _staff_file(world), kind="staff", whole_file=True)
    page = commit(admin, job, end_missing="1", ends_on=timezone.localdate().isoformat()).content.decode()
    assert job.status == ImportJob.Status.IMPORTED
    assert StaffMember.objects.get(organisation=world.school, user=hugo).is_active is False  # kept, inactive
    assert RoleAssignment.objects.get(organisation=world.school, user=hugo).ends_on == timezone.localdate()
    assert RoleAssignment.objects.get(organisation=world.other_school, user=hugo).ends_on is None
    assert StaffMember.objects.filter(organisation=world.school, is_active=True).count() == 9
    assert StaffMember.objects.filter(organisation=world.other_school, is_active=True).count() == 2
    assert job.summary["details"]["staff marked as no longer at the school"] == 1
    assert job.summary["details"]["staff roles ended"] == 1
    assert "1 member of staff was marked as no longer at the school" in page


def test_it_makes_a_member_of_staff_active_again_when_a_later_file_lists_them(
    world, admin, django_capture_on_commit_callbacks
):
    StaffMember.objects.filter(user=world.head_of_year9).update(is_active=False)
    job = upload(admin, django_capture_on_commit_callbacks, _staff_file(world, leave_out=()), kind="staff")
    commit(admin, job)
    assert job.summary["updated"] == 1
    assert StaffMember.objects.get(user=world.head_of_year9).is_active is True


def test_it_ends_no_staff_from_a_partial_staff_file(world, admin, django_capture_on_commit_callbacks):
    job = upload(admin, django_capture_on_commit_callbacks, _staff_file(world), kind="staff")
    before = _state(world)
    commit(admin, job, end_missing="1", ends_on=timezone.localdate().isoformat())
    assert job.status == ImportJob.Status.READY
    commit(admin, job)
    assert job.status == ImportJob.Status.IMPORTED and _state(world) == before


def test_it_refuses_to_end_the_importing_administrator(world, admin, django_capture_on_commit_callbacks):
    """Ending your own roles would lock you out half-way through the school's set-up."""
    content = _staff_file(world, leave_out=("adam@oakfield.test",))
    job = upload(admin, django_capture_on_commit_callbacks, content, kind="staff", whole_file=True)
    before = _state(world)
    page = commit(admin, job, end_missing="1", ends_on=timezone.localdate().isoformat()).content.decode()
    assert job.status == ImportJob.Status.INVALID
    assert "importing it would end your own roles and lock you out" in page
    assert _state(world) == before


def test_it_changes_nothing_when_the_import_fails_half_way(world, admin, django_capture_on_commit_callbacks):
    """Ending the roles fails after the staff were marked inactive: the one transaction undoes all of it."""
    job = upload(admin, django_capture_on_commit_callbacks, _staff_file(world), kind="staff", whole_file=True)
    before = _state(world)
    with updates_failing_for(RoleAssignment) as calls:
        page = commit(admin, job, end_missing="1", ends_on=timezone.localdate().isoformat()).content.decode()
    assert "Something went wrong" in page
    assert StaffMember in calls and RoleAssignment in calls
    assert _state(world) == before
    assert job.status == ImportJob.Status.FAILED
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, object_id=str(job.pk)).exists()
