"""The programme administrator's mentor training sessions: a new one must start in the future; each listed session
can be changed (while still to come) and removed after a confirmation naming the mentors booked on it; a session
that has taken place with mentors booked is kept. Only the provider's administrators may do this."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.testing.clock import fixed_clock
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from qualifications import services
from qualifications.models import MentorTrainingSession
from qualifications.tests.helpers import FIRST_DAY_STARTS_AT, build_qual_world
from qualifications.tests.test_views import other_provider_admin

pytestmark = pytest.mark.django_db
# The clock stops on the first training day (ten days after the world's bookings, whose roles start that day).
NOW = FIRST_DAY_STARTS_AT


@pytest.fixture
def w():
    return build_qual_world()


def _session(w, starts_at: datetime.datetime, capacity: int = 100) -> MentorTrainingSession:  # noqa: ANN001
    return MentorTrainingSession.objects.create(
        organisation=w.provider,
        edition=w.isqam,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        capacity=capacity,
    )


@pytest.fixture
def coming(w):
    return _session(w, NOW + datetime.timedelta(days=7))


@pytest.fixture
def past(w):
    return _session(w, NOW - datetime.timedelta(days=7))


def _local(at: datetime.datetime) -> str:
    """The value a datetime-local input posts for `at`."""
    return f"{timezone.localtime(at):%Y-%m-%dT%H:%M}"


def _form(starts_at: datetime.datetime, capacity: int = 40) -> dict[str, str | int]:
    return {
        "starts_at": _local(starts_at),
        "ends_at": _local(starts_at + datetime.timedelta(hours=1)),
        "online_link": "https://meet.example.org/m",
        "capacity": capacity,
    }


def _edit(session: MentorTrainingSession) -> str:
    return reverse("qualifications:mentor_session_edit", args=[session.pk])


def _remove(session: MentorTrainingSession) -> str:
    return reverse("qualifications:mentor_session_remove", args=[session.pk])


def _sign_up(w, booked, session: MentorTrainingSession) -> list:  # noqa: ANN001
    """Both of the booking's mentors' places signed up for `session` (while it is still to come)."""
    places = list(booked.enrolments.order_by("pk"))
    for place in places:
        services.mentor_session_join(
            actor=w.mentor,
            enrolment=place,
            session=session,
            now=session.starts_at - datetime.timedelta(days=1),
        )
    return places


def test_it_refuses_a_new_session_that_starts_in_the_past(w, monkeypatch):
    """A session dated last week is refused on the form with a clear error, and nothing is saved."""
    fixed_clock(monkeypatch, NOW)
    page = client_for(w.admin).post(
        reverse("qualifications:mentor_session_create", args=[w.isqam.pk]),
        _form(NOW - datetime.timedelta(days=7)),
    )
    assert page.status_code == 200
    assert page.context["form"].errors["starts_at"] == [services.catalogue.MENTOR_SESSION_IN_PAST]
    assert "must start in the future" in page.content.decode()
    assert not MentorTrainingSession.objects.exists()


def test_it_adds_a_new_session_that_starts_in_the_future(w, monkeypatch):
    """Next week's session is added and the administrator returns to the edition."""
    fixed_clock(monkeypatch, NOW)
    response = client_for(w.admin).post(
        reverse("qualifications:mentor_session_create", args=[w.isqam.pk]),
        _form(NOW + datetime.timedelta(days=7)),
    )
    assert response.status_code == 302
    assert w.isqam.mentor_sessions.get().starts_at == NOW + datetime.timedelta(days=7)


def test_it_refuses_a_past_start_in_the_service(w):
    """`mentor_session_create` refuses a start before the clock it is given, whoever calls it."""
    with pytest.raises(ValidationError, match="must start in the future"):
        services.mentor_session_create(
            actor=w.admin,
            edition=w.isqam,
            starts_at=NOW - datetime.timedelta(hours=1),
            ends_at=NOW + datetime.timedelta(hours=1),
            now=NOW,
        )
    assert not MentorTrainingSession.objects.exists()


def test_it_lists_each_session_with_edit_and_remove_links_for_the_administrator(w, coming, past, monkeypatch):
    """The edition page offers Edit and Remove beside a coming session, Remove only beside a past one nobody
    booked; the coordinator sees the sessions with neither."""
    fixed_clock(monkeypatch, NOW)
    page = reverse("qualifications:edition_detail", args=[w.isqam.pk])
    text = client_for(w.admin).get(page).content.decode()
    assert _edit(coming) in text and _remove(coming) in text
    assert _edit(past) not in text and _remove(past) in text and "(taken place)" in text
    assert "0 of 100 mentors booked" in text
    text = client_for(w.coordinator).get(page).content.decode()
    assert _edit(coming) not in text and _remove(coming) not in text and _remove(past) not in text


def test_it_changes_a_session_still_to_come(w, coming, monkeypatch):
    """The administrator moves next week's session a day later and changes its capacity."""
    fixed_clock(monkeypatch, NOW)
    later = coming.starts_at + datetime.timedelta(days=1)
    response = client_for(w.admin).post(_edit(coming), _form(later, capacity=25))
    assert response.status_code == 302
    coming.refresh_from_db()
    assert (coming.starts_at, coming.capacity) == (later, 25)


def test_it_refuses_moving_a_session_into_the_past_or_below_its_bookings(w, booked, coming, monkeypatch):
    """A changed start in the past, or a capacity below the two mentors booked, is refused on the form."""
    _sign_up(w, booked, coming)
    fixed_clock(monkeypatch, NOW)
    admin = client_for(w.admin)
    page = admin.post(_edit(coming), _form(NOW - datetime.timedelta(days=1)))
    assert page.status_code == 200 and "must start in the future" in page.content.decode()
    page = admin.post(_edit(coming), _form(coming.starts_at, capacity=1))
    assert page.status_code == 200
    assert "2 mentors are booked on this session" in page.context["form"].errors["capacity"][0]
    coming.refresh_from_db()
    assert (coming.starts_at, coming.capacity) == (NOW + datetime.timedelta(days=7), 100)


def test_it_refuses_to_change_a_session_that_has_taken_place(w, past, monkeypatch):
    """Last week's session cannot be changed: the edit page sends the administrator back with a note."""
    fixed_clock(monkeypatch, NOW)
    response = client_for(w.admin).post(_edit(past), _form(NOW + datetime.timedelta(days=3)))
    assert response.status_code == 302
    past.refresh_from_db()
    assert past.starts_at == NOW - datetime.timedelta(days=7)


def test_it_removes_a_session_after_a_confirmation(w, coming, monkeypatch):
    """GET shows a confirmation saying nobody is booked and removes nothing; POST removes the session."""
    fixed_clock(monkeypatch, NOW)
    admin = client_for(w.admin)
    page = admin.get(_remove(coming))
    assert page.status_code == 200 and "No mentor is booked on it." in page.content.decode()
    assert MentorTrainingSession.objects.filter(pk=coming.pk).exists()
    assert admin.post(_remove(coming)).status_code == 302
    assert not MentorTrainingSession.objects.filter(pk=coming.pk).exists()


def test_it_names_the_booked_mentors_and_takes_them_off_a_removed_session(w, booked, coming, monkeypatch):
    """Removing a session still to come warns who is booked on it, then leaves their places with no session."""
    places = _sign_up(w, booked, coming)
    fixed_clock(monkeypatch, NOW)
    admin = client_for(w.admin)
    text = admin.get(_remove(coming)).content.decode()
    assert "2 mentors are booked on it" in text
    assert f"{w.mentor.full_name} (mentor of {places[0].participant.full_name})" in text
    assert admin.post(_remove(coming)).status_code == 302
    assert not MentorTrainingSession.objects.filter(pk=coming.pk).exists()
    for place in places:
        place.refresh_from_db()
        assert place.mentor_session is None


def test_it_keeps_a_past_session_that_mentors_were_booked_on(w, booked, past, monkeypatch):
    """A session that has taken place with mentors booked is the record of their training: removal is refused
    on the page and in the service, and the edition page says why instead of offering Remove."""
    places = _sign_up(w, booked, past)
    fixed_clock(monkeypatch, NOW)
    admin = client_for(w.admin)
    assert admin.post(_remove(past)).status_code == 302
    assert MentorTrainingSession.objects.filter(pk=past.pk).exists()
    with pytest.raises(ValidationError, match="record of their training"):
        services.mentor_session_remove(actor=w.admin, session=past, now=NOW)
    places[0].refresh_from_db()
    assert places[0].mentor_session == past
    text = admin.get(reverse("qualifications:edition_detail", args=[w.isqam.pk])).content.decode()
    assert _remove(past) not in text and "kept as the record of their training" in text


def test_it_removes_a_past_session_nobody_was_booked_on(w, past, monkeypatch):
    """A session added in the past by mistake, with nobody booked, can be removed."""
    fixed_clock(monkeypatch, NOW)
    assert client_for(w.admin).post(_remove(past)).status_code == 302
    assert not MentorTrainingSession.objects.filter(pk=past.pk).exists()


@outsider_test("qualifications:mentor_session_edit", "qualifications:mentor_session_remove")
def test_it_hides_mentor_sessions_from_other_providers_and_schools(w, coming, monkeypatch):
    """Another provider's administrator and another school's senior leader get 404 on both pages and their POSTs."""
    fixed_clock(monkeypatch, NOW)
    for user in (other_provider_admin(), w.school.outsider):
        client = client_for(user)
        for url in (_edit(coming), _remove(coming)):
            assert_outsider_404(client, url)
            assert_outsider_404(client, url, "post", _form(NOW + datetime.timedelta(days=1)))
    coming.refresh_from_db()
    assert coming.starts_at == NOW + datetime.timedelta(days=7)


def test_it_refuses_mentor_session_changes_to_other_roles(w, booked, coming, monkeypatch):
    """The provider's facilitator and Oakfield's coordinator and mentor get 403 on both pages and their POSTs."""
    fixed_clock(monkeypatch, NOW)
    for user in (w.facilitator, w.coordinator, w.mentor):
        client = client_for(user)
        for url in (_edit(coming), _remove(coming)):
            assert client.get(url).status_code == 403, (user, url)
            assert client.post(url, _form(NOW + datetime.timedelta(days=1))).status_code == 403, (user, url)
    coming.refresh_from_db()
    assert coming.starts_at == NOW + datetime.timedelta(days=7)
