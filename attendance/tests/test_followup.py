"""The N queue, first-day calls, amendments, contact log, letters, escalation and suspensions."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import selectors, services
from attendance.models import (
    AttendanceMark,
    ContactLog,
    EscalationStage,
    LetterTemplate,
    MarkAmendment,
    PupilEscalation,
)
from attendance.tests.helpers import mark
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from organisations.models import Closure

pytestmark = pytest.mark.django_db


world = shared_world()


def _school_day(back: int, school) -> datetime.date:
    return selectors.school_days_before(school, timezone.localdate(), back)


def test_it_flags_n_marks_older_than_five_school_days(world):
    today = timezone.localdate()
    old = _school_day(6, world.school)
    recent = _school_day(5, world.school)
    mark(world.alice, old, "AM", "N")
    mark(world.ben, recent, "AM", "N")
    queue = list(selectors.n_queue(world.school, today))
    assert [m.pupil for m in queue] == [world.alice]


def test_it_counts_school_days_not_closures(world):
    friday = datetime.date(2026, 10, 16)
    Closure.objects.create(
        organisation=world.school,
        kind="half_term",
        starts_on=datetime.date(2026, 10, 19),
        ends_on=datetime.date(2026, 10, 23),
    )
    assert selectors.school_days_before(world.school, datetime.date(2026, 10, 26), 1) == friday
    assert (
        len(selectors.school_days(world.school, datetime.date(2026, 10, 12), datetime.date(2026, 10, 30)))
        == 10
    )


def test_it_resolves_an_n_to_a_reason_and_keeps_the_original(world):
    m = mark(world.alice, _school_day(8, world.school), "PM", "N")
    client = client_for(world.attendance_officer)
    assert "Resolve Alice Archer" in client.get(reverse("attendance:n_queue")).content.decode()
    response = client.post(
        reverse("attendance:resolve_n", args=[m.pk]), {"code": "I", "reason": "Father phoned: illness"}
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.code == "I"
    assert MarkAmendment.objects.filter(
        original_code="N", new_code="I", amended_by=world.attendance_officer
    ).exists()
    assert not selectors.n_queue(world.school).exists()


def test_it_requires_a_reason_to_resolve_an_n(world):
    m = mark(world.alice, _school_day(8, world.school), "PM", "N")
    response = client_for(world.attendance_officer).post(
        reverse("attendance:resolve_n", args=[m.pk]), {"code": "O", "reason": ""}
    )
    assert response.status_code == 200 and AttendanceMark.objects.get(pk=m.pk).code == "N"


@outsider_test("attendance:resolve_n")
def test_it_hides_an_n_mark_from_another_school(world):
    m = mark(world.alice, _school_day(8, world.school), "PM", "N")
    assert_outsider_404(client_for(world.outsider), reverse("attendance:resolve_n", args=[m.pk]))


def test_it_refuses_resolving_to_a_tutor_with_403(world):
    m = mark(world.alice, _school_day(8, world.school), "PM", "N")
    assert client_for(world.tutor).get(reverse("attendance:resolve_n", args=[m.pk])).status_code == 403
    assert client_for(world.tutor).get(reverse("attendance:n_queue")).status_code == 403


def test_it_lists_first_day_calls_with_the_first_contact(world):
    today = timezone.localdate()
    mark(world.alice, today, "AM", "N")
    mark(world.ben, today, "AM", "I")
    rows = selectors.first_day_absences(world.school, today)
    assert [r["pupil"] for r in rows] == [world.alice] and rows[0]["contact"] is not None
    body = client_for(world.attendance_officer).get(reverse("attendance:first_day_calls")).content.decode()
    assert "Log a call about Alice Archer" in body and "Ben" not in body
    assert client_for(world.tutor).get(reverse("attendance:first_day_calls")).status_code == 403


def test_it_logs_a_contact_with_method_recipient_outcome_and_next_step(world):
    client = client_for(world.attendance_officer)
    contact = world.alice.contact_links.get().contact
    response = client.post(
        reverse("attendance:log_contact", args=[world.alice.pk]),
        {
            "method": "phone",
            "contact": contact.pk,
            "to_whom": "",
            "occurred_at": "2026-11-02T09:15",
            "outcome": "Mother says Alice has a cold",
            "next_step": "Call again tomorrow",
        },
    )
    assert response.status_code == 302, response.content.decode()
    entry = ContactLog.objects.get()
    assert (entry.method, entry.contact, entry.recorded_by, entry.next_step) == (
        "phone",
        contact,
        world.attendance_officer,
        "Call again tomorrow",
    )
    body = client.get(reverse("attendance:pupil", args=[world.alice.pk])).content.decode()
    assert "Mother says Alice has a cold" in body


def test_it_requires_someone_to_have_been_contacted(world):
    response = client_for(world.attendance_officer).post(
        reverse("attendance:log_contact", args=[world.alice.pk]),
        {"method": "email", "to_whom": "", "occurred_at": "2026-11-02T09:15", "outcome": "Sent"},
    )
    assert response.status_code == 200 and "say who you contacted" in response.content.decode()
    assert not ContactLog.objects.exists()


def test_it_lets_a_pal_follow_up_caseload_pupils_only(world):
    client = client_for(world.pal)
    assert client.get(reverse("attendance:log_contact", args=[world.alice.pk])).status_code == 200
    assert client.get(reverse("attendance:log_contact", args=[world.cleo.pk])).status_code == 403
    assert (
        client_for(world.tutor).get(reverse("attendance:log_contact", args=[world.alice.pk])).status_code
        == 403
    )


@outsider_test(
    "attendance:log_contact",
    "attendance:letter",
    "attendance:escalate",
    "attendance:amend",
    "attendance:pupil",
)
def test_it_hides_a_pupils_attendance_from_another_school(world):
    client = client_for(world.outsider)
    for name in ("log_contact", "letter", "escalate", "amend", "pupil"):
        assert_outsider_404(client, reverse(f"attendance:{name}", args=[world.alice.pk]))


def test_it_makes_a_pdf_letter_from_a_template_and_logs_it(world):
    template = LetterTemplate.objects.create(
        organisation=world.school,
        name="Concern",
        body="Dear $contact_name,\n\n$pupil_name attended $attendance_rate.",
    )
    mark(world.alice, timezone.localdate() - datetime.timedelta(days=3), "AM", "I")
    text = services.letter_text(
        template=template,
        pupil=world.alice,
        start=timezone.localdate() - datetime.timedelta(days=10),
        end=timezone.localdate(),
    )
    assert "Alice Archer attended 0.0%" in text and "$" not in text
    response = client_for(world.attendance_officer).post(
        reverse("attendance:letter", args=[world.alice.pk]), {"template": template.pk}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert ContactLog.objects.filter(pupil=world.alice, method="letter").exists()


def test_it_records_a_school_configured_escalation_stage(world):
    client = client_for(world.attendance_officer)
    response = client.post(
        reverse("attendance:settings"), {"form": "stage", "st-order": 1, "st-name": "Attendance meeting"}
    )
    assert response.status_code == 302
    stage = EscalationStage.objects.get(organisation=world.school)
    response = client.post(
        reverse("attendance:escalate", args=[world.alice.pk]),
        {"stage": stage.pk, "note": "Meeting on Friday"},
    )
    assert response.status_code == 302
    assert PupilEscalation.objects.get().stage == stage
    # the same number twice is refused
    again = client.post(
        reverse("attendance:settings"), {"form": "stage", "st-order": 1, "st-name": "Another"}
    )
    assert again.status_code == 200 and EscalationStage.objects.count() == 1


def test_it_saves_register_times_within_the_thirty_minute_limit(world):
    client = client_for(world.attendance_officer)
    bad = client.post(
        reverse("attendance:settings"),
        {"form": "settings", "s-am_starts_at": "08:30", "s-pm_starts_at": "13:15", "s-open_minutes": 45},
    )
    assert bad.status_code == 200
    ok = client.post(
        reverse("attendance:settings"),
        {"form": "settings", "s-am_starts_at": "08:30", "s-pm_starts_at": "13:15", "s-open_minutes": 20},
    )
    assert ok.status_code == 302
    assert selectors.settings_for(world.school).closes_at("AM") == datetime.time(8, 50)
    assert client_for(world.tutor).get(reverse("attendance:settings")).status_code == 403


def test_it_amends_a_mark_from_the_pupil_page_with_a_reason(world):
    day = timezone.localdate() - datetime.timedelta(days=2)
    mark(world.alice, day, "AM", "O")
    client = client_for(world.attendance_officer)
    response = client.post(
        reverse("attendance:amend", args=[world.alice.pk]),
        {"date": f"{day:%Y-%m-%d}", "session": "AM", "code": "L", "reason": "Signed in late at reception"},
    )
    assert response.status_code == 200 and "minutes late" in response.content.decode()
    response = client.post(
        reverse("attendance:amend", args=[world.alice.pk]),
        {
            "date": f"{day:%Y-%m-%d}",
            "session": "AM",
            "code": "L",
            "minutes_late": 12,
            "reason": "Signed in late at reception",
        },
    )
    assert response.status_code == 302
    assert AttendanceMark.objects.get(pupil=world.alice).minutes_late == 12
    assert client_for(world.tutor).get(reverse("attendance:amend", args=[world.alice.pk])).status_code == 403


def test_it_records_e_for_the_school_sessions_of_a_suspension(world):
    monday = datetime.date(2026, 10, 12)
    mark(world.alice, monday, "AM", "/")
    changed = services.marks_for_suspension(
        actor=world.senior, pupil=world.alice, start=monday, end=monday + datetime.timedelta(days=6)
    )
    assert changed == 10  # five school days, two sessions; the weekend is not a school day
    assert set(AttendanceMark.objects.filter(pupil=world.alice).values_list("code", flat=True)) == {"E"}
    amendment = MarkAmendment.objects.get(pupil=world.alice)
    assert (amendment.original_code, amendment.new_code, amendment.reason) == ("/", "E", "Suspension")
    # idempotent, and limited to the sessions asked for
    assert services.marks_for_suspension(actor=world.senior, pupil=world.alice, start=monday, end=monday) == 0
    assert (
        services.marks_for_suspension(
            actor=world.senior, pupil=world.ben, start=monday, end=monday, sessions=["PM"]
        )
        == 1
    )
    assert list(AttendanceMark.objects.filter(pupil=world.ben).values_list("session", "code")) == [
        ("PM", "E")
    ]


def test_it_refuses_letters_and_escalation_to_a_tutor_with_403(world):
    client = client_for(world.tutor)
    assert client.get(reverse("attendance:letter", args=[world.alice.pk])).status_code == 403
    assert client.get(reverse("attendance:escalate", args=[world.alice.pk])).status_code == 403
    assert client_for(world.pal).get(reverse("attendance:escalate", args=[world.cleo.pk])).status_code == 403
