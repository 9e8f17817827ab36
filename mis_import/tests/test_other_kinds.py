"""Parents and carers, groups with their members and staff roles, and staff with their sign-ins."""

from __future__ import annotations

import pytest

from access.models import RoleAssignment
from accounts.models import User
from core.testing.personas import client_for
from core.testing.world import shared_world
from mis_import.models import ImportJob
from mis_import.samples import sample_files, to_csv
from mis_import.tests.helpers import commit, upload
from people.models import Contact, Group, GroupMembership, Pupil, PupilContact, StaffMember

pytestmark = pytest.mark.django_db

SAMPLES = sample_files()


world = shared_world()


@pytest.fixture
def admin(world):
    return client_for(world.admin)


def _import(admin, capture, kind: str, text: str, encoding: str = "utf-8") -> ImportJob:
    job = upload(admin, capture, text.encode(encoding), kind=kind, name=f"{kind}.csv")
    assert job.status == ImportJob.Status.READY, job.errors[:5]
    commit(admin, job)
    assert job.status == ImportJob.Status.IMPORTED
    return job


def test_it_imports_the_sample_files_in_order_and_again_without_duplicates(
    world, admin, django_capture_on_commit_callbacks
):
    """Staff, pupils, contacts, then groups: everything linked up; a second round changes nothing."""
    capture = django_capture_on_commit_callbacks
    for kind in ("staff", "pupils", "contacts", "groups"):
        _import(admin, capture, kind, SAMPLES[f"{kind}.csv"])
    school = world.school
    counts = (
        StaffMember.objects.filter(organisation=school).count(),
        Pupil.objects.filter(organisation=school).count(),
        Contact.objects.filter(organisation=school).count(),
        PupilContact.objects.filter(organisation=school).count(),
        Group.objects.filter(organisation=school).count(),
        GroupMembership.objects.filter(organisation=school).count(),
        RoleAssignment.objects.filter(organisation=school).count(),
        User.objects.count(),
    )
    for kind in ("staff", "pupils", "contacts", "groups"):
        job = _import(admin, capture, kind, SAMPLES[f"{kind}.csv"])
        assert job.summary["new"] == 0 and job.summary["updated"] == 0, (kind, job.summary)
    again = (
        StaffMember.objects.filter(organisation=school).count(),
        Pupil.objects.filter(organisation=school).count(),
        Contact.objects.filter(organisation=school).count(),
        PupilContact.objects.filter(organisation=school).count(),
        Group.objects.filter(organisation=school).count(),
        GroupMembership.objects.filter(organisation=school).count(),
        RoleAssignment.objects.filter(organisation=school).count(),
        User.objects.count(),
    )
    assert again == counts


def test_it_creates_staff_sign_ins_without_a_password(world, admin, django_capture_on_commit_callbacks):
    job = _import(admin, django_capture_on_commit_callbacks, "staff", SAMPLES["staff.csv"])
    assert job.summary["new"] == 4
    member = StaffMember.objects.get(organisation=world.school, mis_id="AOK")
    assert member.user.email == "a.okoro@oakfield.example" and member.job_title == "Teacher of Mathematics"
    assert member.user.full_name == "Adaeze Okoro"
    assert not member.user.has_usable_password()


def test_it_matches_staff_on_their_e_mail_and_reuses_a_sign_in_from_another_school(
    world, admin, django_capture_on_commit_callbacks
):
    text = to_csv(
        ["Staff ID", "Forename", "Surname", "Email", "Job Title"],
        [
            ["T1", "Tess", "Tutor", "TESS@oakfield.test", "Head of Geography"],
            ["O1", "Olive", "Outsider", "olive@riverside.test", "Teacher of Art"],
        ],
    )
    job = _import(admin, django_capture_on_commit_callbacks, "staff", text)
    assert (job.summary["new"], job.summary["updated"]) == (1, 1)
    tess = StaffMember.objects.get(organisation=world.school, user=world.tutor)
    assert tess.mis_id == "T1" and tess.job_title == "Head of Geography"
    assert StaffMember.objects.get(organisation=world.school, mis_id="O1").user == world.outsider
    assert User.objects.filter(email="olive@riverside.test").count() == 1


def test_it_names_both_lines_of_a_duplicate_staff_e_mail(admin, django_capture_on_commit_callbacks):
    text = to_csv(
        ["Forename", "Surname", "Email"], [["A", "One", "same@school.test"], ["B", "Two", "Same@School.test"]]
    )
    job = upload(admin, django_capture_on_commit_callbacks, text.encode(), kind="staff")
    assert job.errors == [
        {
            "line": 3,
            "column": "Email",
            "message": "same@school.test is on line 2 and line 3: each person may appear once.",
        }
    ]
    assert not User.objects.filter(email="same@school.test").exists()


def test_it_links_contacts_to_pupils_with_relationship_responsibility_and_priority(
    world, admin, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _import(admin, capture, "pupils", SAMPLES["pupils.csv"])
    job = _import(admin, capture, "contacts", SAMPLES["contacts.csv"])
    assert job.summary["new"] == 16 and job.summary["details"]["links to pupils added"] == 16
    pupil = Pupil.objects.get(organisation=world.school, mis_id="100000")
    links = list(PupilContact.objects.filter(pupil=pupil).select_related("contact").order_by("priority"))
    assert [
        (link.relationship, link.has_parental_responsibility, link.priority, link.lives_with_pupil)
        for link in links
    ] == [("mother", True, 1, True), ("father", True, 2, False)]
    assert links[0].contact.mobile == "+44 7700 900000"  # a phone number may start with +


def test_it_shares_one_contact_between_siblings(world, admin, django_capture_on_commit_callbacks):
    header = [
        "Pupil UPN",
        "Adno",
        "Contact ID",
        "Contact Forename",
        "Contact Surname",
        "Relationship",
        "PR",
        "Priority",
    ]
    ben, cleo = world.ben, world.cleo
    text = to_csv(
        header,
        [
            ["", ben.mis_id, "C1", "Bea", "Baker", "Mum", "Yes", "1"],
            ["", cleo.mis_id, "C1", "Bea", "Baker", "Step-mother", "No", "2"],
        ],
    )
    job = _import(admin, django_capture_on_commit_callbacks, "contacts", text)
    assert job.summary["new"] == 1
    contact = Contact.objects.get(organisation=world.school, mis_id="C1")
    assert {
        (link.pupil_id, link.relationship, link.has_parental_responsibility)
        for link in contact.pupil_links.all()
    } == {(ben.pk, "mother", True), (cleo.pk, "step_parent", False)}


def test_it_refuses_contacts_of_unknown_pupils_and_conflicting_details(
    world, admin, django_capture_on_commit_callbacks
):
    header = ["Adno", "Contact ID", "Contact Forename", "Contact Surname", "Relationship", "Email"]
    text = to_csv(
        header,
        [
            ["NOPE", "C1", "Bea", "Baker", "Mother", "bea@x.test"],
            [world.ben.mis_id, "C2", "Al", "Baker", "Father", "al@x.test"],
            [world.cleo.mis_id, "C2", "Al", "Baker", "Father", "other@x.test"],
            [world.cleo.mis_id, "C3", "Cy", "Cole", "Cousin", ""],
        ],
    )
    job = upload(admin, django_capture_on_commit_callbacks, text.encode(), kind="contacts")
    assert [(e["line"], e["column"]) for e in job.errors] == [(2, "Adno"), (4, "Email"), (5, "Relationship")]
    assert "No pupil with MIS id NOPE" in job.errors[0]["message"]
    assert "different Email on line 3 and line 4" in job.errors[1]["message"]
    assert not Contact.objects.filter(mis_id__in=["C1", "C2", "C3"]).exists()


def test_it_makes_tutor_and_pal_roles_scoped_to_the_group(world, admin, django_capture_on_commit_callbacks):
    header = ["Group ID", "Group", "Type", "Year", "Adno", "Tutor Email", "PAL Email"]
    text = to_csv(
        header,
        [
            ["G9C", "9C", "Form", "9", world.ben.mis_id, "hugo@oakfield.test", "paul@oakfield.test"],
            ["G9C", "9C", "Form", "9", world.cleo.mis_id, "hugo@oakfield.test", "paul@oakfield.test"],
            ["H1", "Darwin", "House", "", world.ben.mis_id, "", ""],
        ],
    )
    job = _import(admin, django_capture_on_commit_callbacks, "groups", text)
    assert job.summary["new"] == 2
    group = Group.objects.get(organisation=world.school, mis_id="G9C")
    assert group.kind == "tutor" and group.year_group == 9
    assert RoleAssignment.objects.filter(user=world.head_of_year9, role="tutor", group=group).count() == 1
    assert RoleAssignment.objects.filter(user=world.pal, role="pal", group=group).count() == 1
    assert set(GroupMembership.objects.current().filter(group=group).values_list("pupil_id", flat=True)) == {
        world.ben.pk,
        world.cleo.pk,
    }
    # Ben moved from 9A into 9C; his house is a second, separate membership.
    assert {m.group.name for m in GroupMembership.objects.current().filter(pupil=world.ben)} == {
        "9C",
        "Darwin",
    }
    # The PAL's caseload now reaches Cleo through the new group.
    from access.permissions import can_view_pupil, forget_access

    forget_access(world.pal)
    assert can_view_pupil(world.pal, world.cleo)


def test_it_refuses_unknown_staff_and_a_group_id_with_two_names(
    world, admin, django_capture_on_commit_callbacks
):
    header = ["Group ID", "Group", "Tutor Email"]
    text = to_csv(header, [["G1", "7A", "nobody@oakfield.test"], ["G1", "7B", ""]])
    job = upload(admin, django_capture_on_commit_callbacks, text.encode(), kind="groups")
    assert [(e["line"], e["column"]) for e in job.errors] == [(2, "Tutor Email"), (3, "Group")]
    assert "No staff member with e-mail nobody@oakfield.test" in job.errors[0]["message"]
    assert "'7A' on line 2 but '7B' on line 3" in job.errors[1]["message"]
    assert not Group.objects.filter(mis_id="G1").exists()


def test_it_marks_a_contact_the_school_must_not_contact_and_leaves_the_rest_contactable(
    world, admin, django_capture_on_commit_callbacks
):
    """The contacts file's "Do Not Contact" column (a court order): Y marks the link, empty leaves it contactable."""
    header = [
        "Pupil UPN",
        "Adno",
        "Contact ID",
        "Contact Forename",
        "Contact Surname",
        "Relationship",
        "Do Not Contact",
    ]
    ben = world.ben
    text = to_csv(
        header,
        [
            ["", ben.mis_id, "C7", "Bea", "Baker", "Mum", ""],
            ["", ben.mis_id, "C8", "Bob", "Baker", "Dad", "Y"],
        ],
    )
    _import(admin, django_capture_on_commit_callbacks, "contacts", text)
    flags = {link.contact.mis_id: link.no_contact for link in PupilContact.objects.filter(pupil=ben)}
    assert flags == {"C7": False, "C8": True}
