"""Lesson registers: who may take them, saving in one go, changes in the audit log, never the statutory figures;
and the office's post-registration truancy list."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attendance import selectors, services
from attendance.models import AttendanceMark, LessonMark, Register
from attendance.tests.helpers import mark
from audit.models import AuditEvent
from core.testing.clock import weekday_on_or_before
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

DAY = weekday_on_or_before(timezone.localdate() - datetime.timedelta(days=7))  # a school day


world = shared_world()


def _url(group, date=DAY, session="AM", lesson="P3 Maths"):
    query = urlencode({"date": f"{date:%Y-%m-%d}", "session": session, "lesson": lesson})
    return reverse("attendance:lesson_register", args=[group.pk]) + "?" + query


def _save(world, entries, actor=None, lesson="P3 Maths", session="AM", date=DAY, **kwargs):
    return services.save_lesson_register(
        actor=actor or world.tutor,
        group=world.group_9a,
        date=date,
        session=session,
        lesson=lesson,
        entries=entries,
        **kwargs,
    )


def test_it_shows_the_tutor_the_keyboard_register_for_a_lesson(world):
    response = client_for(world.tutor).get(_url(world.group_9a))
    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "P3 Maths lesson register" in body
    assert "Mark for Alice Archer" in body and "Mark for Ben Baker" in body and "Cleo" not in body
    assert 'data-present="/"' in body and "register.js" in body and "data-all-present" in body


def test_it_saves_lesson_marks_without_touching_the_statutory_register(world):
    a, b = world.alice.pk, world.ben.pk
    response = client_for(world.tutor).post(
        _url(world.group_9a),
        {
            "action": "save",
            f"code-{a}": "/",
            f"code-{b}": "L",
            f"late-{b}": "12",
            f"orig-{a}": "",
            f"orig-{b}": "",
        },
    )
    assert response.status_code == 302
    register = Register.objects.get(group=world.group_9a, date=DAY, session="AM", lesson="P3 Maths")
    assert register.is_taken and register.taken_by == world.tutor
    assert {(m.pupil_id, m.code, m.minutes_late) for m in LessonMark.objects.all()} == {
        (a, "/", None),
        (b, "L", 12),
    }
    assert not AttendanceMark.objects.exists()
    # The statutory register of the same session is still not taken.
    assert "9A" in {r["group"].name for r in selectors.registers_not_taken(world.school, DAY, "AM")}


def test_it_leaves_the_statutory_figures_alone(world):
    mark(world.alice, DAY, "AM", "/")
    before = selectors.pupil_attendance_summary(pupil=world.alice, start=DAY, end=DAY)
    _save(world, {world.alice.pk: services.Entry("N")})
    assert selectors.pupil_attendance_summary(pupil=world.alice, start=DAY, end=DAY) == before
    assert before["possible"] == 1 and before["present"] == 1


def test_it_refuses_late_without_minutes_and_saves_nothing(world):
    a, b = world.alice.pk, world.ben.pk
    response = client_for(world.tutor).post(
        _url(world.group_9a), {"action": "save", f"code-{a}": "L", f"code-{b}": "/"}
    )
    assert response.status_code == 200
    assert "L (late) needs the minutes late." in response.content.decode()
    assert not LessonMark.objects.exists() and not Register.objects.exists()
    with pytest.raises(ValidationError):
        _save(world, {a: services.Entry("L")})


def test_it_refuses_codes_a_lesson_cannot_have_a_pupil_not_in_the_group_and_a_blank_or_long_lesson(world):
    with pytest.raises(ValidationError, match="cannot be used in a lesson register"):
        _save(world, {world.alice.pk: services.Entry("Y1")})
    with pytest.raises(ValidationError, match="not in this group"):
        _save(world, {world.cleo.pk: services.Entry("/")})
    with pytest.raises(ValidationError, match="lesson or period"):
        _save(world, {world.alice.pk: services.Entry("/")}, lesson="   ")
    with pytest.raises(ValidationError, match="at most 60"):
        _save(world, {world.alice.pk: services.Entry("/")}, lesson="x" * 61)
    with pytest.raises(ValidationError, match="future"):
        _save(
            world,
            {world.alice.pk: services.Entry("/")},
            date=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert not LessonMark.objects.exists()


def test_it_shows_the_error_for_a_code_a_lesson_cannot_have(world):
    response = client_for(world.tutor).post(
        _url(world.group_9a), {"action": "save", f"code-{world.alice.pk}": "#"}
    )
    assert response.status_code == 200 and "cannot be used in a lesson register" in response.content.decode()
    assert not LessonMark.objects.exists()


def test_it_logs_a_changed_lesson_mark_in_the_audit_log_old_to_new(world):
    a = world.alice.pk
    _save(world, {a: services.Entry("/")})
    result = _save(
        world,
        {a: services.Entry("L", 9, original="/")},
        actor=world.attendance_officer,
        reason="Came in late",
    )
    assert result.changed == 1 and LessonMark.objects.get(pupil_id=a).code == "L"
    event = AuditEvent.objects.filter(object_type="attendance.Register", actor=world.attendance_officer).get()
    assert event.changes == {str(a): ["/", "L (9 min)"]}
    assert "1 changed" in event.note and "Came in late" in event.note


def test_it_does_not_overwrite_a_lesson_mark_changed_by_someone_else_since_the_page_loaded(world):
    a = world.alice.pk
    _save(world, {a: services.Entry("/")})
    _save(world, {a: services.Entry("M", original="/")}, actor=world.attendance_officer)
    stale = _save(world, {a: services.Entry("N", original="/")})
    assert stale.conflicts == [a] and LessonMark.objects.get(pupil_id=a).code == "M"


def test_it_keeps_separate_registers_per_lesson(world):
    _save(world, {world.alice.pk: services.Entry("/")}, lesson="P1 Science")
    _save(world, {world.alice.pk: services.Entry("N")}, lesson="P2 History")
    assert Register.objects.filter(group=world.group_9a, date=DAY).exclude(lesson="").count() == 2
    assert LessonMark.objects.count() == 2


def test_it_fills_blanks_with_present_without_javascript_and_saves_nothing(world):
    b = world.ben.pk
    response = client_for(world.tutor).post(
        _url(world.group_9a, session="PM"), {"action": "all_present", f"code-{b}": "M"}
    )
    body = response.content.decode()
    assert '<option value="\\" selected>' in body and '<option value="M" selected>' in body
    assert not LessonMark.objects.exists()


def test_it_answers_htmx_with_the_lesson_register_fragment(world):
    response = client_for(world.tutor).post(
        _url(world.group_9a), {"action": "save", f"code-{world.alice.pk}": "/"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "P3 Maths register saved" in body


def test_it_sends_a_register_without_a_lesson_back_to_the_lesson_chooser(world):
    client = client_for(world.tutor)
    response = client.get(_url(world.group_9a, lesson=""))
    assert response.status_code == 302 and response["Location"] == reverse("attendance:lessons")


def test_it_opens_the_chosen_lesson_register_from_the_chooser(world):
    client = client_for(world.tutor)
    page = client.get(reverse("attendance:lessons"))
    assert page.status_code == 200 and "Open lesson register" in page.content.decode()
    response = client.get(
        reverse("attendance:lessons"),
        {"group": world.group_9a.pk, "date": f"{DAY:%Y-%m-%d}", "session": "PM", "lesson": "  P4   Art "},
    )
    assert response.status_code == 302 and response["Location"] == _url(
        world.group_9a, session="PM", lesson="P4 Art"
    )
    future = client.get(
        reverse("attendance:lessons"),
        {
            "group": world.group_9a.pk,
            "date": f"{timezone.localdate() + datetime.timedelta(days=2):%Y-%m-%d}",
            "session": "AM",
            "lesson": "P1",
        },
    )
    assert future.status_code == 200 and "cannot be taken for future days" in future.content.decode()
    # A group the tutor does not teach is not a choice.
    other = client.get(
        reverse("attendance:lessons"),
        {"group": world.group_9b.pk, "date": f"{DAY:%Y-%m-%d}", "session": "AM", "lesson": "P1"},
    )
    assert other.status_code == 200 and "Select a valid choice" in other.content.decode()


def test_it_lets_the_office_take_any_groups_lesson_register(world):
    client = client_for(world.attendance_officer)
    response = client.post(_url(world.group_9a), {"action": "save", f"code-{world.alice.pk}": "/"})
    assert response.status_code == 302 and LessonMark.objects.get().recorded_by == world.attendance_officer
    assert "9B" in client.get(reverse("attendance:lessons")).content.decode()


def test_it_refuses_a_lesson_register_to_staff_who_do_not_teach_the_group_with_403(world):
    assert client_for(world.tutor).get(_url(world.group_9b)).status_code == 403
    assert client_for(world.head_of_year9).get(_url(world.group_9a)).status_code == 403
    assert (
        client_for(world.head_of_year9)
        .post(_url(world.group_9a), {f"code-{world.alice.pk}": "N"})
        .status_code
        == 403
    )
    assert client_for(world.cpd_coordinator).get(reverse("attendance:lessons")).status_code == 403
    assert not LessonMark.objects.exists()


@outsider_test("attendance:lesson_register")
def test_it_hides_a_lesson_register_from_another_school(world):
    client = client_for(world.outsider)
    assert_outsider_404(client, _url(world.group_9a))
    assert_outsider_404(client, _url(world.group_9a), method="post", data={f"code-{world.alice.pk}": "N"})
    assert not LessonMark.objects.exists()


# --- Post-registration truancy ---------------------------------------------------------------


def test_it_lists_pupils_present_at_registration_but_absent_from_a_lesson_that_session(world):
    mark(world.alice, DAY, "AM", "/")  # present, then missed P2: truancy
    mark(world.ben, DAY, "AM", "I")  # ill: absent from the lesson is expected
    mark(world.alice, DAY, "PM", "M")  # afternoon appointment
    mark(world.cleo, DAY, "AM", "L", 5)  # late but present, then in the lesson
    _save(
        world, {world.alice.pk: services.Entry("N"), world.ben.pk: services.Entry("I")}, lesson="P2 English"
    )
    _save(world, {world.alice.pk: services.Entry("N")}, lesson="P5 Drama", session="PM")
    services.save_lesson_register(
        actor=world.attendance_officer,
        group=world.group_9b,
        date=DAY,
        session="AM",
        lesson="P2 English",
        entries={world.cleo.pk: services.Entry("/")},
    )
    rows = list(selectors.post_registration_truancy(world.school, DAY))
    assert [(r.pupil, r.register.lesson, r.session_code, r.code) for r in rows] == [
        (world.alice, "P2 English", "/", "N")
    ]
    assert list(selectors.post_registration_truancy(world.school, DAY - datetime.timedelta(days=1))) == []


def test_it_shows_the_truancy_list_to_the_office_with_a_link_to_the_pupil(world):
    mark(world.alice, DAY, "AM", "V")  # on a trip counts as attending
    _save(world, {world.alice.pk: services.Entry("O")}, lesson="P2 English")
    response = client_for(world.attendance_officer).get(
        reverse("attendance:truancy"), {"date": f"{DAY:%Y-%m-%d}"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("attendance:pupil", args=[world.alice.pk]) in body and "P2 English (9A)" in body
    assert "Morning: V" in body and "Other or unknown unauthorised absence" in body


def test_it_keeps_other_schools_lesson_absences_off_the_truancy_list(world):
    mark(world.alice, DAY, "AM", "/")
    _save(world, {world.alice.pk: services.Entry("N")})
    assert list(selectors.post_registration_truancy(world.other_school, DAY)) == []
    body = (
        client_for(world.other_admin)
        .get(reverse("attendance:truancy"), {"date": f"{DAY:%Y-%m-%d}"})
        .content.decode()
    )
    assert "Alice" not in body


def test_it_refuses_the_truancy_list_to_a_tutor_with_403(world):
    assert client_for(world.tutor).get(reverse("attendance:truancy")).status_code == 403


def test_it_shows_lesson_links_in_navigation_and_truancy_on_the_officers_home_panel(world):
    assert "Lesson registers</a>" in client_for(world.tutor).get(reverse("home")).content.decode()
    home = client_for(world.attendance_officer).get(reverse("home")).content.decode()
    assert "lesson absences after registration" in home and "Escalations due" in home
    assert "Lesson registers</a>" not in client_for(world.head_of_year9).get(reverse("home")).content.decode()


def test_it_lets_a_group_of_schools_leader_open_member_schools_lesson_registers_and_truancy(world):
    from access.roles import Role
    from core.testing.factories import OrganisationFactory, RoleFactory, UserFactory

    trust = OrganisationFactory(name="Oak Trust", slug="oak-trust", kind="group")
    world.school.parent = trust
    world.school.save()
    leader = UserFactory(email="tia@oaktrust.test")
    RoleFactory(organisation=trust, user=leader, role=Role.SENIOR_LEADER)
    mark(world.alice, DAY, "AM", "/")
    _save(world, {world.alice.pk: services.Entry("N")})
    client = client_for(leader)
    page = client.get(reverse("attendance:lessons"))
    assert page.status_code == 200 and ">9A<" in page.content.decode()
    truancy = client.get(reverse("attendance:truancy"), {"date": f"{DAY:%Y-%m-%d}"}).content.decode()
    assert "Alice Archer" in truancy
