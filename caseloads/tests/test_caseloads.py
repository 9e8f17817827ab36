"""Caseloads: the assignment page (counts, the band warning), taking a group off, the PAL's caseload home, and the
PAL's register powers for their caseload's groups only (a register, an amendment with a reason, an N resolved,
figures and exports)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from attendance.models import AttendanceMark, MarkAmendment
from attendance.tests.helpers import mark
from audit.models import AuditEvent
from caseloads import services
from caseloads.models import CaseloadSettings
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


world = shared_world()


def _pal_row(response, name="Paul Pal"):
    return next(p for p in response.context["pals"] if p["user"].full_name == name)


def test_it_shows_each_pal_with_group_and_student_counts_and_the_band_warning(world):
    response = client_for(world.senior).get(reverse("caseloads:assign"))
    assert response.status_code == 200
    row = _pal_row(response)
    # Paul carries 9A (Alice, Ben) and 10A (Dan): 2 groups, 3 students, below the default 15–17 band.
    assert (row["group_count"], row["student_count"], row["below"], row["above"]) == (2, 3, True, False)
    assert b"Below 15 groups" in response.content


def test_it_uses_the_schools_own_band(world):
    CaseloadSettings.objects.create(organisation=world.school, min_groups=1, max_groups=1, entitlement=8)
    row = _pal_row(client_for(world.senior).get(reverse("caseloads:assign")))
    assert (row["below"], row["above"]) == (False, True)


def test_it_refuses_a_band_upside_down_naming_the_field(world):
    response = client_for(world.senior).post(
        reverse("caseloads:settings"), {"min_groups": 17, "max_groups": 15, "entitlement": 8}
    )
    assert response.status_code == 200
    assert "max_groups" in response.context["form"].errors


def test_it_assigns_a_group_audited_and_the_pal_then_sees_its_students(world):
    client = client_for(world.senior)
    response = client.post(reverse("caseloads:assign"), {"pal": world.pal.pk, "group": world.group_9b.pk})
    assert response.status_code == 302
    assert (
        RoleAssignment.objects.current().filter(user=world.pal, role=Role.PAL, group=world.group_9b).exists()
    )
    assert AuditEvent.objects.filter(action="create", note__startswith="9B to ").exists()
    row = _pal_row(client.get(reverse("caseloads:assign")))
    assert (row["group_count"], row["student_count"]) == (3, 4)
    assert client_for(world.pal).get(reverse("caseloads:ellp", args=[world.cleo.pk])).status_code == 200


def test_it_moves_a_group_from_its_old_pal(world):
    other = RoleAssignment.objects.create(
        organisation=world.school, user=world.tutor, role=Role.PAL, starts_on=timezone.localdate()
    )
    services.caseload_assign(
        actor=world.senior, organisation=world.school, pal=world.tutor, group=world.group_9a
    )
    assert other.pk
    holders = RoleAssignment.objects.current().filter(role=Role.PAL, group=world.group_9a)
    assert list(holders.values_list("user", flat=True)) == [world.tutor.pk]


def test_it_names_the_group_field_when_none_is_chosen(world):
    response = client_for(world.senior).post(reverse("caseloads:assign"), {"pal": world.pal.pk})
    assert "group" in response.context["form"].errors


def test_it_refuses_the_assignment_page_to_a_pal_and_a_tutor(world):
    assert client_for(world.pal).get(reverse("caseloads:assign")).status_code == 403
    assert client_for(world.tutor).get(reverse("caseloads:assign")).status_code == 403


def _assignment(world, group):
    return RoleAssignment.objects.get(user=world.pal, role=Role.PAL, group=group)


@outsider_test("caseloads:unassign")
def test_it_hides_an_assignment_from_another_school(world):
    assignment = _assignment(world, world.group_9a)
    assert_outsider_404(client_for(world.outsider), reverse("caseloads:unassign", args=[assignment.pk]))
    assert_outsider_404(
        client_for(world.outsider), reverse("caseloads:unassign", args=[assignment.pk]), "post"
    )


def test_it_refuses_taking_a_group_off_to_the_pal_and_a_head_of_year(world):
    url = reverse("caseloads:unassign", args=[_assignment(world, world.group_9a).pk])
    assert client_for(world.pal).post(url).status_code == 403
    assert client_for(world.head_of_year9).post(url).status_code == 403


def test_it_takes_a_group_off_from_today_keeping_the_history(world):
    assignment = _assignment(world, world.group_9a)
    client = client_for(world.senior)
    assert (
        client.get(reverse("caseloads:unassign", args=[assignment.pk])).status_code == 200
    )  # the confirmation
    assert client.post(reverse("caseloads:unassign", args=[assignment.pk])).status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == timezone.localdate() - datetime.timedelta(days=1)
    assert client_for(world.pal).get(reverse("caseloads:ellp", args=[world.alice.pk])).status_code == 403


def test_it_lets_the_pal_take_a_caseload_groups_register_only(world):
    client = client_for(world.pal)
    assert client.get(reverse("attendance:register", args=[world.group_9a.pk])).status_code == 200
    assert client.get(reverse("attendance:register", args=[world.group_9b.pk])).status_code == 403


PAST = datetime.date(2026, 11, 2)  # a Monday before any day these tests run


@outsider_test("caseloads:amend")
def test_it_hides_the_amend_page_from_another_school(world):
    assert_outsider_404(client_for(world.outsider), reverse("caseloads:amend", args=[world.alice.pk]))


def test_it_lets_the_pal_amend_a_caseload_mark_with_a_reason_kept(world):
    mark(world.alice, PAST, "AM", "N")
    response = client_for(world.pal).post(
        reverse("caseloads:amend", args=[world.alice.pk]),
        {"date": "2026-11-02", "session": "AM", "code": "I", "reason": "Mother phoned: flu"},
    )
    assert response.status_code == 302
    amendment = MarkAmendment.objects.get(pupil=world.alice)
    assert (amendment.original_code, amendment.new_code, amendment.amended_by) == ("N", "I", world.pal)


def test_it_refuses_amendments_outside_the_caseload_and_to_a_tutor(world):
    assert client_for(world.pal).get(reverse("caseloads:amend", args=[world.cleo.pk])).status_code == 403
    assert client_for(world.tutor).get(reverse("caseloads:amend", args=[world.alice.pk])).status_code == 403


def test_it_names_the_reason_field_when_it_is_missing(world):
    response = client_for(world.pal).post(
        reverse("caseloads:amend", args=[world.alice.pk]),
        {"date": "2026-11-02", "session": "AM", "code": "I"},
    )
    assert "reason" in response.context["form"].errors


@outsider_test("caseloads:resolve_n")
def test_it_hides_a_mark_from_another_school(world):
    n = mark(world.alice, PAST, "PM", "N")
    assert_outsider_404(client_for(world.outsider), reverse("caseloads:resolve_n", args=[n.pk]))


def test_it_lists_and_resolves_the_caseloads_n_marks_only(world):
    alice_n = mark(world.alice, PAST, "PM", "N")
    cleo_n = mark(world.cleo, PAST, "PM", "N")
    client = client_for(world.pal)
    listed = list(client.get(reverse("caseloads:n_marks")).context["page_obj"])
    assert listed == [alice_n]
    assert client.get(reverse("caseloads:resolve_n", args=[cleo_n.pk])).status_code == 403
    response = client.post(
        reverse("caseloads:resolve_n", args=[alice_n.pk]), {"code": "M", "reason": "Dentist, letter seen"}
    )
    assert response.status_code == 302
    assert AttendanceMark.objects.get(pk=alice_n.pk).code == "M"
    assert client_for(world.tutor).get(reverse("caseloads:resolve_n", args=[alice_n.pk])).status_code == 403


def test_it_gives_the_pal_figures_and_an_export_for_the_caseload_only(world):
    mark(world.alice, PAST, "AM", "/")
    mark(world.alice, PAST, "PM", "O")
    mark(world.dan, PAST, "AM", "/")
    mark(world.cleo, PAST, "AM", "O")
    client = client_for(world.pal)
    response = client.get(reverse("caseloads:figures"), {"start": "2026-11-01", "end": "2026-11-30"})
    totals = response.context["totals"]
    # Alice 1 present + 1 unauthorised, Dan 1 present; Cleo (9B) is not on the caseload.
    assert (totals["possible"], totals["present"], totals["unauthorised"]) == (3, 2, 1)
    export = client.get(
        reverse("caseloads:figures"), {"start": "2026-11-01", "end": "2026-11-30", "format": "csv"}
    )
    text = export.content.decode()
    assert "Alice" in text and "Cleo" not in text
    assert AuditEvent.objects.filter(action="export", note__startswith="caseload attendance").exists()
    assert client_for(world.tutor).get(reverse("caseloads:figures")).status_code == 403


def test_it_opens_the_caseload_home_for_the_pal_only(world):
    response = client_for(world.pal).get(reverse("caseloads:home"))
    assert response.status_code == 200
    assert [g.name for g in response.context["groups"]] == ["9A", "10A"]
    assert client_for(world.tutor).get(reverse("caseloads:home")).status_code == 403
    assert client_for(world.senior).get(reverse("caseloads:home")).status_code == 403
