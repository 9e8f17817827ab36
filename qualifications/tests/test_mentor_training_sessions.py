"""The mentor's training: only sessions still to come are offered, and when none is to come the pages say so."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import dateformat, timezone

from core.testing.clock import fixed_clock
from core.testing.personas import client_for
from qualifications import services
from qualifications.models import Enrolment, MentorTrainingSession
from qualifications.tests.helpers import FIRST_DAY_STARTS_AT, build_qual_world

pytestmark = pytest.mark.django_db
# The clock stops on the first training day (ten days after the world's bookings, whose roles start that day).
NOW = FIRST_DAY_STARTS_AT


@pytest.fixture
def w():
    return build_qual_world()


def _session(w, starts_at: datetime.datetime) -> MentorTrainingSession:
    return MentorTrainingSession.objects.create(
        organisation=w.provider,
        edition=w.isqam,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
    )


@pytest.fixture
def past(w):
    return _session(w, NOW - datetime.timedelta(days=7))


@pytest.fixture
def coming(w):
    return _session(w, NOW + datetime.timedelta(days=7))


def _url(place: Enrolment) -> str:
    return reverse("qualifications:enrolment_mentor_session", args=[place.pk])


def test_it_offers_the_mentor_only_sessions_still_to_come(w, booked, past, coming, monkeypatch):
    """The mentor's choice lists next week's session and not last week's."""
    fixed_clock(monkeypatch, NOW)
    page = client_for(w.mentor).get(_url(booked.enrolments.first()))
    text = page.content.decode()
    assert page.status_code == 200
    assert list(page.context["form"].fields["session"].queryset) == [coming]
    assert f'value="{coming.pk}"' in text and f'value="{past.pk}"' not in text
    shown = dateformat.format(timezone.localtime(coming.starts_at), "l j F Y, H:i")
    assert shown in text and dateformat.format(timezone.localtime(past.starts_at), "j F Y") not in text


def test_it_refuses_a_session_that_has_taken_place(w, booked, past, coming, monkeypatch):
    """A past session posted by hand is refused with a message, and the place keeps no session."""
    fixed_clock(monkeypatch, NOW)
    place = booked.enrolments.first()
    page = client_for(w.mentor).post(_url(place), {"session": past.pk})
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    place.refresh_from_db()
    assert place.mentor_session is None


def test_it_signs_the_mentor_up_for_a_session_still_to_come(w, booked, coming, monkeypatch):
    """Choosing next week's session saves it and returns the mentor to their page."""
    fixed_clock(monkeypatch, NOW)
    place = booked.enrolments.first()
    response = client_for(w.mentor).post(_url(place), {"session": coming.pk})
    assert response.status_code == 302 and response.url == reverse("qualifications:my_places")
    place.refresh_from_db()
    assert place.mentor_session == coming


def test_it_says_plainly_when_no_session_is_to_come(w, booked, past, monkeypatch):
    """With only last week's session, the choice page says there are none to come and offers no form."""
    fixed_clock(monkeypatch, NOW)
    page = client_for(w.mentor).get(_url(booked.enrolments.first()))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"There are no upcoming mentor training sessions for {w.isqam}." in text
    assert "<select" not in text and f'value="{past.pk}"' not in text


def test_it_tells_the_mentor_on_their_page_whether_a_session_is_to_come(w, booked, past, monkeypatch):
    """The mentor's page says "no upcoming sessions" instead of offering a choice, until one is planned."""
    fixed_clock(monkeypatch, NOW)
    mentor = client_for(w.mentor)
    choose = _url(booked.enrolments.first())
    text = mentor.get(reverse("qualifications:my_places")).content.decode()
    assert "no upcoming sessions" in text and choose not in text
    _session(w, NOW + datetime.timedelta(days=7))
    text = mentor.get(reverse("qualifications:my_places")).content.decode()
    assert "no upcoming sessions" not in text and choose in text


def test_it_refuses_a_past_session_in_the_service(w, booked, past):
    """`mentor_session_join` refuses a session that started before the clock it is given."""
    place = booked.enrolments.first()
    with pytest.raises(ValidationError, match="already taken place"):
        services.mentor_session_join(actor=w.mentor, enrolment=place, session=past, now=NOW)
    place.refresh_from_db()
    assert place.mentor_session is None


def _mentor_row(text: str, participant_name: str) -> str:
    """The row of the mentor's table for one mentee, its whitespace collapsed."""
    rows = [row for row in re.findall(r"<tr>.*?</tr>", text, flags=re.S) if participant_name in row]
    assert len(rows) == 1, rows
    return " ".join(rows[0].split())


def test_it_offers_to_change_a_booked_session_and_to_choose_otherwise(w, booked, coming, monkeypatch):
    """Before the mentor books, each mentee's row offers "Choose a session"; once booked through one of them the
    mentor trains once for the edition, so both rows show the session and "Change session"."""
    fixed_clock(monkeypatch, NOW)
    first, second = booked.enrolments.order_by("pk")
    assert first.mentor_id == second.mentor_id
    text = client_for(w.mentor).get(reverse("qualifications:my_places")).content.decode()
    for place in (first, second):
        row = _mentor_row(text, place.participant.full_name)
        assert "Not booked" in row and "Choose a session" in row and "Change session" not in row
    services.mentor_session_join(actor=w.mentor, enrolment=first, session=coming, now=NOW)
    text = client_for(w.mentor).get(reverse("qualifications:my_places")).content.decode()
    shown = dateformat.format(timezone.localtime(coming.starts_at), "j M Y H:i")
    for place in (first, second):
        row = _mentor_row(text, place.participant.full_name)
        assert shown in row and "Change session" in row and "Choose a session" not in row


def test_it_counts_a_mentor_of_two_participants_as_one_seat(w, booked, coming):
    """A one-seat session takes the mentor of two participants, and the mentor taken off leaves both places free."""
    MentorTrainingSession.objects.filter(pk=coming.pk).update(capacity=1)
    coming.refresh_from_db()
    first, second = booked.enrolments.order_by("pk")
    services.mentor_session_join(actor=w.mentor, enrolment=first, session=coming, now=NOW)
    services.mentor_session_join(actor=w.mentor, enrolment=second, session=coming, now=NOW)
    assert set(coming.mentor_places.values_list("pk", flat=True)) == {first.pk, second.pk}
    services.mentor_session_join(actor=w.mentor, enrolment=second, session=None, now=NOW)
    assert not coming.mentor_places.exists()


def test_it_shows_nothing_to_do_for_completed_and_withdrawn_places(w, booked, monkeypatch):
    """With no session to come, a completed and a withdrawn place show "—", not "Not booked; no upcoming sessions",
    and offer no choice."""
    fixed_clock(monkeypatch, NOW)
    first, second = booked.enrolments.order_by("pk")
    Enrolment.objects.filter(pk=first.pk).update(status=Enrolment.Status.COMPLETED)
    Enrolment.objects.filter(pk=second.pk).update(status=Enrolment.Status.WITHDRAWN)
    text = client_for(w.mentor).get(reverse("qualifications:my_places")).content.decode()
    for place in (first, second):
        row = _mentor_row(text, place.participant.full_name)
        assert "no upcoming sessions" not in row and "Not booked" not in row, row
        assert _url(place) not in row and row.endswith("<td> — </td></tr>"), row
