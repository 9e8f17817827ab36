"""The screens: who sees what (outsiders 404, wrong roles 403), booking through the form, invoices,
cloning, attendance, calendars and exports."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse

from access.roles import Role
from core.testing.clock import fixed_clock
from core.testing.factories import OrganisationFactory, RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from qualifications.models import Booking, Edition, Enrolment, SessionAttendance
from qualifications.tests.helpers import FIRST_DAY_STARTS_AT, book, build_qual_world, safeguarded, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_qual_world()


def other_provider_admin():
    org = OrganisationFactory(name="Other Provider", kind="provider")
    user = staff_user(org, "oona@other.test", "Oona Other")
    RoleFactory(organisation=org, user=user, role=Role.PROGRAMME_ADMIN)
    return user


def riverside_coordinator(w):
    user = staff_user(w.school.other_school, "ricky@riverside.test", "Ricky Coordinator")
    RoleFactory(organisation=w.school.other_school, user=user, role=Role.CPD_COORDINATOR)
    return user


# --- Outsiders get 404 ------------------------------------------------------------------------


@outsider_test(
    "qualifications:edition_detail",
    "qualifications:edition_edit",
    "qualifications:edition_clone",
    "qualifications:cluster_create",
    "qualifications:activity_edit",
    "qualifications:cluster_detail",
    "qualifications:training_day_create",
    "qualifications:attendance",
    "qualifications:booking_create",
    "qualifications:edition_fees",
    "qualifications:mentor_session_create",
    "qualifications:facilitator_add",
    "qualifications:cluster_edit",
)
def test_it_hides_provider_records_from_outsiders(w):
    """Another provider's administrator and another school's senior leader see none of this provider's records."""
    day = w.plq_l1.training_days.first()
    activity = w.plq.modules.get(number=1).activities.first()
    urls = [
        reverse("qualifications:edition_detail", args=[w.plq.pk]),
        reverse("qualifications:edition_edit", args=[w.plq.pk]),
        reverse("qualifications:edition_clone", args=[w.plq.pk]),
        reverse("qualifications:cluster_create", args=[w.plq.pk]),
        reverse("qualifications:activity_edit", args=[activity.pk]),
        reverse("qualifications:cluster_detail", args=[w.plq_l1.pk]),
        reverse("qualifications:training_day_create", args=[w.plq_l1.pk]),
        reverse("qualifications:attendance", args=[day.pk]),
        reverse("qualifications:booking_create", args=[w.plq_l1.pk]),
        reverse("qualifications:edition_fees", args=[w.plq.pk]),
        reverse("qualifications:mentor_session_create", args=[w.plq.pk]),
        reverse("qualifications:facilitator_add", args=[w.plq_l1.pk]),
        reverse("qualifications:cluster_edit", args=[w.plq_l1.pk]),
    ]
    for user in (other_provider_admin(), w.school.outsider):
        client = client_for(user)
        for url in urls:
            assert_outsider_404(client, url)


@outsider_test(
    "qualifications:booking_detail",
    "qualifications:booking_invoice",
    "qualifications:booking_cancel",
    "qualifications:booking_paid",
    "qualifications:enrolment_cancel",
    "qualifications:enrolment_mentor_session",
)
def test_it_hides_a_schools_bookings_from_other_schools_and_providers(w, booked):
    place = booked.enrolments.first()
    for user in (riverside_coordinator(w), w.school.outsider, other_provider_admin()):
        client = client_for(user)
        for name in ("booking_detail", "booking_invoice", "booking_cancel"):
            assert_outsider_404(client, reverse(f"qualifications:{name}", args=[booked.pk]))
        assert_outsider_404(
            client, reverse("qualifications:booking_paid", args=[booked.pk]), "post", {"paid": "1"}
        )
        assert_outsider_404(client, reverse("qualifications:enrolment_cancel", args=[place.pk]))
        assert_outsider_404(client, reverse("qualifications:enrolment_mentor_session", args=[place.pk]))
    assert Booking.objects.get(pk=booked.pk).paid is False


@outsider_test("qualifications:ical_cluster", "qualifications:ical_participant")
def test_it_answers_404_for_a_calendar_token_that_does_not_exist(w, client):
    assert client.get(reverse("qualifications:ical_cluster", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("qualifications:ical_participant", args=["not-a-token"])).status_code == 404


# --- Wrong role in the same organisation: 403 ------------------------------------------------


def test_it_refuses_provider_actions_to_facilitators_and_school_bookers(w, monkeypatch):
    fixed_clock(monkeypatch, FIRST_DAY_STARTS_AT)  # the training day has come: attendance is open
    day = w.plq_l1.training_days.first()
    activity = w.plq.modules.get(number=1).activities.first()
    admin_only = [
        reverse("qualifications:edition_edit", args=[w.plq.pk]),
        reverse("qualifications:edition_clone", args=[w.plq.pk]),
        reverse("qualifications:cluster_create", args=[w.plq.pk]),
        reverse("qualifications:activity_edit", args=[activity.pk]),
        reverse("qualifications:training_day_create", args=[w.plq_l1.pk]),
        reverse("qualifications:edition_fees", args=[w.plq.pk]),
        reverse("qualifications:mentor_session_create", args=[w.plq.pk]),
        reverse("qualifications:facilitator_add", args=[w.plq_l1.pk]),
        reverse("qualifications:cluster_edit", args=[w.plq_l1.pk]),
    ]
    facilitator = client_for(w.facilitator)
    for url in admin_only:
        assert facilitator.get(url).status_code == 403, url
    assert facilitator.get(reverse("qualifications:provider_dashboard")).status_code == 403
    assert facilitator.get(reverse("qualifications:export") + "?what=bookings").status_code == 403
    assert (
        facilitator.get(reverse("qualifications:cluster_detail", args=[w.isqam_online.pk])).status_code == 403
    )
    assert facilitator.get(reverse("qualifications:cluster_detail", args=[w.plq_l1.pk])).status_code == 200
    assert facilitator.get(reverse("qualifications:attendance", args=[day.pk])).status_code == 200
    coordinator = client_for(w.coordinator)
    for url in admin_only[:4] + admin_only[5:]:
        assert coordinator.get(url).status_code == 403, url
    assert coordinator.get(reverse("qualifications:cluster_detail", args=[w.plq_l1.pk])).status_code == 403
    # training days are not in the catalogue: the school is outside the provider, so 404
    assert coordinator.get(reverse("qualifications:attendance", args=[day.pk])).status_code == 404
    assert coordinator.get(reverse("qualifications:provider_dashboard")).status_code == 403


def test_it_refuses_the_admin_booking_places_and_a_tutor_the_lists(w):
    admin = client_for(w.admin)
    assert admin.get(reverse("qualifications:booking_create", args=[w.plq_l1.pk])).status_code == 403
    tutor = client_for(w.school.tutor)
    for name in (
        "edition_list",
        "booking_list",
        "my_places",
        "safeguarding",
        "participant_list",
        "provider_dashboard",
    ):
        assert tutor.get(reverse(f"qualifications:{name}")).status_code == 403, name


def test_it_refuses_booking_actions_to_participants_and_marking_paid_to_the_school(w, booked):
    place = booked.enrolments.get(participant=w.staff[0])
    participant = client_for(w.staff[0])
    assert participant.get(reverse("qualifications:booking_detail", args=[booked.pk])).status_code == 403
    assert participant.get(reverse("qualifications:booking_invoice", args=[booked.pk])).status_code == 403
    assert participant.get(reverse("qualifications:booking_cancel", args=[booked.pk])).status_code == 403
    assert participant.get(reverse("qualifications:enrolment_cancel", args=[place.pk])).status_code == 403
    assert (
        participant.get(reverse("qualifications:enrolment_mentor_session", args=[place.pk])).status_code
        == 403
    )
    coordinator = client_for(w.coordinator)
    assert (
        coordinator.post(reverse("qualifications:booking_paid", args=[booked.pk]), {"paid": "1"}).status_code
        == 403
    )
    mentor = client_for(w.mentor)
    assert mentor.get(reverse("qualifications:enrolment_mentor_session", args=[place.pk])).status_code == 200


# --- Booking through the screens -----------------------------------------------------------


def place_data(rows):
    data = {
        "place-TOTAL_FORMS": "4",
        "place-INITIAL_FORMS": "0",
        "place-MIN_NUM_FORMS": "0",
        "place-MAX_NUM_FORMS": "12",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"place-{i}-{key}"] = value
    return data


def test_it_books_two_staff_through_the_form_and_shows_the_fee_and_what_it_includes(w):
    client = client_for(w.coordinator)
    url = reverse("qualifications:booking_create", args=[w.isqam_online.pk])
    page = client.get(url).content.decode()
    assert (
        "£499.00 per participant" in page and "an optional online training session for their mentor" in page
    )
    response = client.post(
        url,
        place_data(
            [
                {"participant": w.staff[0].pk, "mentor": w.mentor.pk},
                {"participant": w.staff[1].pk, "mentor": w.mentor.pk},
            ]
        ),
    )
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "qualifications:booking_detail", args=[booking.pk]
    )
    assert booking.enrolments.filter(status=Enrolment.Status.ENROLLED).count() == 2
    assert booking.booked_by == w.coordinator and booking.organisation == w.school.school


def test_it_explains_a_refused_plq_booking_to_the_booker(w):
    client = client_for(w.coordinator)
    response = client.post(
        reverse("qualifications:booking_create", args=[w.plq_l1.pk]),
        place_data([{"participant": w.staff[0].pk, "mentor": w.mentor.pk}]),
    )
    assert response.status_code == 200
    assert "This booking cannot be made" in response.content.decode()
    assert "no record of safeguarding training" in response.content.decode()
    assert not Booking.objects.exists()


def test_it_asks_the_booker_to_acknowledge_the_level_1_advice_then_books(w):
    safeguarded(w.school.school, w.staff[0])
    client = client_for(w.coordinator)
    url = reverse("qualifications:booking_create", args=[w.plq_l2.pk])
    data = place_data([{"participant": w.staff[0].pk, "mentor": w.mentor.pk}])
    first = client.post(url, data)
    assert first.status_code == 200 and "It is advised that Level 1" in first.content.decode()
    assert not Booking.objects.exists()
    second = client.post(url, {**data, "acknowledge_warnings": "on"})
    assert second.status_code == 302 and Booking.objects.get().enrolments.get().level1_warning


def test_it_requires_a_mentor_for_each_participant(w):
    client = client_for(w.coordinator)
    response = client.post(
        reverse("qualifications:booking_create", args=[w.isqam_online.pk]),
        place_data([{"participant": w.staff[0].pk}]),
    )
    assert "Name the in-school mentor" in response.content.decode()
    assert not Booking.objects.exists()


def test_it_downloads_a_numbered_invoice_pdf(w, booked):
    response = client_for(w.coordinator).get(reverse("qualifications:booking_invoice", args=[booked.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert booked.invoice_number in response["Content-Disposition"]


def test_it_lets_the_admin_mark_an_invoice_paid_and_lists_unpaid_ones(w, booked):
    admin = client_for(w.admin)
    unpaid = admin.get(reverse("qualifications:booking_list") + "?show=unpaid").content.decode()
    assert reverse("qualifications:booking_detail", args=[booked.pk]) in unpaid
    admin.post(reverse("qualifications:booking_paid", args=[booked.pk]), {"paid": "1"})
    booked.refresh_from_db()
    assert booked.paid and booked.paid_on is not None
    link = reverse("qualifications:booking_detail", args=[booked.pk])
    assert link not in admin.get(reverse("qualifications:booking_list") + "?show=unpaid").content.decode()


def test_it_cancels_a_place_after_confirmation(w, booked):
    place = booked.enrolments.first()
    client = client_for(w.coordinator)
    url = reverse("qualifications:enrolment_cancel", args=[place.pk])
    assert "Cancel the place" in client.get(url).content.decode()
    place.refresh_from_db()
    assert place.status == Enrolment.Status.ENROLLED
    client.post(url)
    place.refresh_from_db()
    assert place.status == Enrolment.Status.CANCELLED


def test_it_shows_a_school_only_its_own_bookings_and_staff(w, booked):
    other = riverside_coordinator(w)
    from qualifications.tests.helpers import staff_user as make_staff

    river_teacher = make_staff(w.school.other_school, "tia@riverside.test", "Tia River")
    river_mentor = make_staff(w.school.other_school, "max@riverside.test", "Max River")
    from qualifications import services

    services.booking_create(
        actor=other,
        cluster=w.isqam_online,
        school=w.school.other_school,
        places=[services.PlaceRequest(participant=river_teacher, mentor=river_mentor)],
    )
    mine = client_for(w.coordinator).get(reverse("qualifications:booking_list")).content.decode()
    assert booked.invoice_number in mine and "Riverside School" not in mine
    people = client_for(w.coordinator).get(reverse("qualifications:participant_list")).content.decode()
    assert "Teacher1 Oak" in people and "Tia River" not in people
    form = (
        client_for(w.coordinator)
        .get(reverse("qualifications:booking_create", args=[w.isqam_online.pk]))
        .content.decode()
    )
    assert "Teacher1 Oak" in form and "Tia River" not in form
    admin = client_for(w.admin).get(reverse("qualifications:booking_list")).content.decode()
    assert "Riverside School" in admin and "Oakfield School" in admin


# --- Editions, clusters, attendance, calendars, exports ---------------------------------------


def test_it_clones_an_edition_for_the_annual_review_and_enrolled_participants_keep_theirs(w, booked):
    from core.testing.factories import AcademicYearFactory

    year = AcademicYearFactory(
        name="2024-25", starts_on=datetime.date(2024, 9, 1), ends_on=datetime.date(2025, 8, 31)
    )
    client = client_for(w.admin)
    url = reverse("qualifications:edition_clone", args=[w.isqam.pk])
    assert "Create the new edition" in client.get(url).content.decode()
    response = client.post(url, {"academic_year": year.pk})
    new = Edition.objects.get(programme__code="ISQAM", academic_year=year)
    assert response["Location"] == reverse("qualifications:edition_detail", args=[new.pk])
    assert new.cloned_from == w.isqam and not new.is_published
    assert new.portfolio_deadline == datetime.date(2025, 7, 31)
    assert new.modules.count() == 8 and sum(m.activities.count() for m in new.modules.all()) == 35
    assert new.fee_rules.count() == w.isqam.fee_rules.count()
    activity = new.modules.get(number=1).activities.get(number="1.3")
    client.post(
        reverse("qualifications:activity_edit", args=[activity.pk]),
        {
            "title": "Undertake a minimum of 6 lesson observations",
            "kind": "minimum",
            "minimum_count": 6,
        },
    )
    activity.refresh_from_db()
    assert activity.minimum_count == 6
    old = w.isqam.modules.get(number=1).activities.get(number="1.3")
    assert old.title == "Undertake a minimum of 5 lesson observations"
    assert set(booked.enrolments.values_list("edition", flat=True)) == {w.isqam.pk}
    assert client.post(url, {"academic_year": year.pk}).status_code == 200  # the year is taken now


def test_it_creates_a_cluster_and_a_training_day_with_validation(w):
    client = client_for(w.admin)
    url = reverse("qualifications:cluster_create", args=[w.plqj.pk])
    level = w.plqj.levels.get(number=1)
    bad = client.post(
        url, {"name": "PLQJ North", "level": level.pk, "delivery_model": "original", "capacity": 10}
    )
    assert "A face-to-face cluster needs a venue." in bad.content.decode()
    client.post(
        url,
        {
            "name": "PLQJ North",
            "level": level.pk,
            "delivery_model": "original",
            "capacity": 10,
            "venue": "Leeds Grammar",
            "is_open": "on",
        },
    )
    cluster = w.plqj.clusters.get(name="PLQJ North")
    day_url = reverse("qualifications:training_day_create", args=[cluster.pk])
    wrong = client.post(
        day_url, {"term": "autumn", "starts_at": "2025-10-09T16:00", "ends_at": "2025-10-09T09:30"}
    )
    assert "The session must end after it starts." in wrong.content.decode()
    client.post(
        day_url,
        {
            "term": "autumn",
            "starts_at": "2025-10-09T09:30",
            "ends_at": "2025-10-09T16:00",
            "modules": [m.pk for m in level.modules.all()[:2]],
        },
    )
    assert cluster.training_days.get().modules.count() == 2


def test_it_records_attendance_at_a_training_session(w, monkeypatch):
    fixed_clock(monkeypatch, FIRST_DAY_STARTS_AT)
    safeguarded(w.school.school, w.staff[0])
    booking, _ = book(w, w.plq_l1, [w.staff[0]])
    place = booking.enrolments.get()
    day = w.plq_l1.training_days.first()
    client = client_for(w.facilitator)
    url = reverse("qualifications:attendance", args=[day.pk])
    assert "Give a mark for everyone" in client.post(url, {}, follow=True).content.decode()
    client.post(url, {f"mark-{place.pk}": "present"})
    assert SessionAttendance.objects.get(enrolment=place).mark == "present"


def test_it_publishes_calendar_feeds_for_a_cluster_and_a_participant(w, booked, client):
    place = booked.enrolments.first()
    feed = client.get(reverse("qualifications:ical_cluster", args=[w.isqam_online.ical_token]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    text = feed.content.decode()
    assert (
        text.startswith("BEGIN:VCALENDAR")
        and "BEGIN:VEVENT" in text
        and f"DTSTART:{FIRST_DAY_STARTS_AT.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}" in text
    )
    mine = client.get(reverse("qualifications:ical_participant", args=[place.ical_token])).content.decode()
    assert "ISQAM Level 1" in mine


def test_it_shows_participants_their_places_and_mentors_their_mentees(w, booked):
    page = client_for(w.staff[0]).get(reverse("qualifications:my_places")).content.decode()
    assert "ISQAM L1 Online" in page and "Add to your calendar" in page
    mentor_page = client_for(w.mentor).get(reverse("qualifications:my_places")).content.decode()
    assert "Teacher1 Oak" in mentor_page and "Teacher2 Oak" in mentor_page


def test_it_signs_a_mentor_up_for_the_optional_training_session(w, booked, monkeypatch):
    """The mentor chooses a session still to come and is signed up for it."""
    from qualifications.models import MentorTrainingSession

    fixed_clock(monkeypatch, FIRST_DAY_STARTS_AT)
    session = MentorTrainingSession.objects.create(
        organisation=w.provider,
        edition=w.isqam,
        starts_at=FIRST_DAY_STARTS_AT + datetime.timedelta(days=7),
        ends_at=FIRST_DAY_STARTS_AT + datetime.timedelta(days=7, hours=1),
    )
    place = booked.enrolments.first()
    client_for(w.mentor).post(
        reverse("qualifications:enrolment_mentor_session", args=[place.pk]), {"session": session.pk}
    )
    place.refresh_from_db()
    assert place.mentor_session == session


def test_it_records_safeguarding_training_with_date_level_and_evidence(w):
    client = client_for(w.coordinator)
    url = reverse("qualifications:safeguarding")
    missing = client.post(url, {"person": w.staff[0].pk, "level": "level_2"})
    assert "This field is required" in missing.content.decode()
    client.post(
        url,
        {"person": w.staff[0].pk, "level": "level_2", "completed_on": "2026-09-01", "evidence": "LSCP 42"},
    )
    assert w.staff[0].safeguarding_training.get().evidence == "LSCP 42"


def test_it_shows_the_provider_overview_and_exports_csv_and_xlsx(w, booked):
    client = client_for(w.admin)
    page = client.get(reverse("qualifications:provider_dashboard")).content.decode()
    assert "ISQAM L1 Online" in page
    assert booked.invoice_number in page
    assert "£998.00" in page
    csv = client.get(reverse("qualifications:export") + "?what=participants&format=csv")
    assert csv["Content-Type"].startswith("text/csv") and "Teacher1 Oak" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("qualifications:export") + "?what=bookings&format=xlsx")
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0][0] == "Invoice" and rows[1][0] == booked.invoice_number
    assert client.get(reverse("qualifications:export") + "?what=nothing").status_code == 404


def test_it_shows_the_edition_with_fees_prerequisites_and_activities(w):
    page = (
        client_for(w.coordinator)
        .get(reverse("qualifications:edition_detail", args=[w.isqam.pk]))
        .content.decode()
    )
    assert "£499.00" in page and "£525.00" in page and "What the fee includes" in page
    assert "Undertake a minimum of 5 lesson observations" in page
    assert "sufficient ICT skills" in page


def test_it_changes_fees_for_new_bookings_only(w, booked):
    client = client_for(w.admin)
    url = reverse("qualifications:edition_fees", args=[w.isqam.pk])
    rules = list(w.isqam.fee_rules.order_by("pk"))
    data = {
        "fee-TOTAL_FORMS": str(len(rules)),
        "fee-INITIAL_FORMS": str(len(rules)),
        "fee-MIN_NUM_FORMS": "0",
        "fee-MAX_NUM_FORMS": "1000",
    }
    for i, rule in enumerate(rules):
        data[f"fee-{i}-id"] = rule.pk
        data[f"fee-{i}-amount"] = (
            "519.00" if (rule.delivery_model, rule.is_member) == ("online", True) else rule.amount
        )
    bad = client.post(url, {**data, "fee-0-amount": "-5"})
    assert bad.status_code == 200 and "Enter a fee greater than £0." in bad.content.decode()
    client.post(url, data)
    assert w.isqam.fee_rules.get(delivery_model="online", is_member=True).amount == 519
    booked.refresh_from_db()
    assert booked.fee_per_place == 499
    later, _ = book(w, w.isqam_online, [w.staff[2]])
    assert later.fee_per_place == 519


def test_it_adds_a_mentor_session_and_a_facilitator_who_then_sees_the_cluster(w, monkeypatch):
    """The administrator adds a session a week ahead, then a facilitator who then sees the cluster."""
    fixed_clock(monkeypatch, FIRST_DAY_STARTS_AT)
    week_on = f"{FIRST_DAY_STARTS_AT.date() + datetime.timedelta(days=7):%Y-%m-%d}"
    client = client_for(w.admin)
    client.post(
        reverse("qualifications:mentor_session_create", args=[w.isqam.pk]),
        {
            "starts_at": f"{week_on}T16:00",
            "ends_at": f"{week_on}T17:30",
            "online_link": "meet.example.org/m",
            "capacity": 40,
        },
    )
    assert w.isqam.mentor_sessions.get().online_link == "https://meet.example.org/m"
    other = staff_user(w.provider, "fred@hmcpd.test", "Fred Facilitator")
    RoleFactory(organisation=w.provider, user=other, role=Role.FACILITATOR)
    roster = reverse("qualifications:cluster_detail", args=[w.isqam_online.pk])
    assert client_for(other).get(roster).status_code == 403
    module = w.isqam.modules.get(number=2)
    client.post(
        reverse("qualifications:facilitator_add", args=[w.isqam_online.pk]),
        {"module": module.pk, "facilitator": other.pk},
    )
    assert client_for(other).get(roster).status_code == 200


def test_it_shows_home_panels_for_the_booker_and_the_participant(w, booked):
    home = client_for(w.coordinator).get("/").content.decode()
    assert "Qualification bookings" in home and "1</strong> unpaid invoice" in home
    assert "My qualification" in client_for(w.staff[0]).get("/").content.decode()
    assert "Qualification bookings" not in client_for(w.school.tutor).get("/").content.decode()


def test_it_moves_the_waiting_list_up_when_the_capacity_grows(w):
    w.isqam_online.capacity = 1
    w.isqam_online.save()
    booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]])
    waiting = booking.enrolments.get(status=Enrolment.Status.WAITLISTED)
    client_for(w.admin).post(
        reverse("qualifications:cluster_edit", args=[w.isqam_online.pk]),
        {
            "name": "ISQAM L1 Online",
            "level": w.isqam.levels.get(number=1).pk,
            "delivery_model": "online",
            "online_link": "https://meet.example.org/x",
            "capacity": 2,
            "is_open": "on",
        },
    )
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.ENROLLED


def test_it_counts_a_completed_level_1_for_level_2(w):
    from qualifications import services

    safeguarded(w.school.school, w.staff[0])
    booking, _ = book(w, w.plq_l1, [w.staff[0]])
    services.enrolment_complete(actor=w.admin, enrolment=booking.enrolments.get())
    _, warnings = book(w, w.plq_l2, [w.staff[0]])
    assert warnings == []


def test_it_edits_and_publishes_an_edition(w):
    client = client_for(w.admin)
    url = reverse("qualifications:edition_edit", args=[w.plq.pk])
    data = {
        "title": w.plq.title,
        "portfolio_deadline": "",
        "overview": w.plq.overview,
        "is_published": "",
        "refund_before_start_percent": "90",
        "refund_after_start_percent": "10",
        "payment_terms_days": "30",
    }
    assert "This field is required" in client.post(url, data).content.decode()
    too_much = client.post(
        url, {**data, "portfolio_deadline": "2023-07-31", "refund_after_start_percent": "101"}
    )
    assert "less than or equal to 100" in too_much.content.decode()
    client.post(
        url,
        {**data, "portfolio_deadline": "2023-07-31", "review_note": "Portfolios are due by 31 July 2023."},
    )
    w.plq.refresh_from_db()
    assert not w.plq.is_published and w.plq.review_note == "Portfolios are due by 31 July 2023."
    assert (w.plq.refund_before_start_percent, w.plq.refund_after_start_percent) == (90, 10)
    page = client_for(w.coordinator).get(reverse("qualifications:edition_detail", args=[w.plq.pk]))
    assert page.status_code == 404  # an unpublished edition leaves the schools' catalogue
