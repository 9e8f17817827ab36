"""Starting an LPR: only in a window that has opened by the day held, never held in the future, and its frozen
period running from the window's opening (the demo's Review 4 started on 7 Dec showed "7 Dec to 7 Dec, 100%")."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance.tests.helpers import mark
from caseloads import services
from caseloads.models import Review
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)  # a Monday in window 2 (1 Nov – 31 Dec)

world = shared_world(at=datetime.datetime(2026, 12, 7, 18, 51, tzinfo=datetime.UTC))


def _windows(world):
    return services.windows_for(world.school, services.academic_year_for(TODAY))


def _start(world, window, held_on):
    return services.review_start(
        actor=world.pal, pupil=world.alice, window=window, held_on=held_on, today=TODAY
    )


class TestTheService:
    def test_it_refuses_a_window_that_opens_after_the_day_held(self, world):
        """Review 4 (opens 1 Apr 2027) held on 7 Dec 2026 is refused on the window field, nothing saved."""
        fourth = _windows(world)[3]
        with pytest.raises(ValidationError) as error:
            _start(world, fourth, TODAY)
        assert error.value.message_dict["window"] == ["Review 4 opens on 1 Apr 2027, after the day held."]
        assert not Review.objects.filter(pupil=world.alice).exists()

    def test_it_refuses_a_day_held_before_an_open_window_opened(self, world):
        """Review 2 (opens 1 Nov) held on 20 Oct is refused: the day held must be in the window or after."""
        with pytest.raises(ValidationError) as error:
            _start(world, _windows(world)[1], datetime.date(2026, 10, 20))
        assert "window" in error.value.message_dict
        assert not Review.objects.filter(pupil=world.alice).exists()

    def test_it_refuses_a_review_held_in_the_future(self, world):
        """A day held after today is refused on the held-on field, even inside an open window."""
        with pytest.raises(ValidationError) as error:
            _start(world, _windows(world)[1], TODAY + datetime.timedelta(days=1))
        assert "held_on" in error.value.message_dict
        assert not Review.objects.filter(pupil=world.alice).exists()

    def test_it_freezes_the_period_from_the_windows_opening_to_the_day_held(self, world):
        """Review 2 held 7 Dec covers 1 Nov – 7 Dec: October's marks are left out, November's counted."""
        mark(world.alice, datetime.date(2026, 10, 14), "AM", "O")  # window 1: not in this period
        mark(world.alice, datetime.date(2026, 11, 2), "AM", "/")
        mark(world.alice, datetime.date(2026, 11, 2), "PM", "O")
        review = _start(world, _windows(world)[1], TODAY)
        assert (review.period_start, review.held_on) == (datetime.date(2026, 11, 1), TODAY)
        assert (review.possible_sessions, review.attended_sessions, str(review.attendance_rate)) == (
            2,
            1,
            "50.0",
        )

    def test_it_still_starts_an_overdue_review_after_its_window_closed(self, world):
        """Review 1 (closed 31 Oct) held late on 7 Dec is accepted, its period from 1 Sep."""
        review = _start(world, _windows(world)[0], TODAY)
        assert review.period_start == datetime.date(2026, 9, 1)

    def test_it_offers_only_windows_opened_by_the_day_and_not_reviewed(self, world):
        """Of the four windows on 7 Dec, 1 and 2 have opened; 1 drops out once reviewed."""
        windows = _windows(world)
        assert [w.number for w in services.startable_windows(windows, TODAY)] == [1, 2]
        assert [w.number for w in services.startable_windows(windows, TODAY, reviewed=[windows[0].pk])] == [2]


class TestThePages:
    def test_it_refuses_a_future_window_posted_with_a_form_error_saving_nothing(self, world):
        """POSTing Review 4 held 7 Dec re-renders the form with an error on the window; no review is made."""
        fourth = _windows(world)[3]
        response = client_for(world.pal).post(
            reverse("caseloads:review_start", args=[world.alice.pk]),
            {"window": fourth.pk, "held_on": "2026-12-07"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["window"] == [
            "Choose a review window that has opened: a later one cannot start yet."
        ]
        assert not Review.objects.filter(pupil=world.alice).exists()

    def test_it_names_the_window_when_the_day_held_is_before_it_opened(self, world):
        """POSTing Review 2 held 20 Oct gives the service's message on the window field; nothing saved."""
        response = client_for(world.pal).post(
            reverse("caseloads:review_start", args=[world.alice.pk]),
            {"window": _windows(world)[1].pk, "held_on": "2026-10-20"},
        )
        assert response.context["form"].errors["window"] == [
            "Review 2 opens on 1 Nov 2026, after the day held."
        ]
        assert not Review.objects.filter(pupil=world.alice).exists()

    def test_it_refuses_a_future_day_held_through_the_page(self, world):
        """POSTing Review 2 held tomorrow puts the error on the held-on field; nothing saved."""
        response = client_for(world.pal).post(
            reverse("caseloads:review_start", args=[world.alice.pk]),
            {"window": _windows(world)[1].pk, "held_on": "2026-12-08"},
        )
        assert "held_on" in response.context["form"].errors
        assert not Review.objects.filter(pupil=world.alice).exists()

    def test_it_starts_a_review_in_the_open_window_through_the_page(self, world):
        """POSTing Review 2 held today starts it, its period from 1 Nov."""
        response = client_for(world.pal).post(
            reverse("caseloads:review_start", args=[world.alice.pk]),
            {"window": _windows(world)[1].pk, "held_on": "2026-12-07"},
        )
        review = Review.objects.get(pupil=world.alice)
        assert response.status_code == 302
        assert (review.window.number, review.period_start) == (2, datetime.date(2026, 11, 1))

    def test_it_offers_only_opened_windows_on_the_ellp(self, world):
        """The eLLP's start form lists Reviews 1 and 2 on 7 Dec, not 3 or 4, and defaults to the open one."""
        response = client_for(world.pal).get(reverse("caseloads:ellp", args=[world.alice.pk]))
        form = response.context["start_form"]
        assert [w.number for w in form.fields["window"].queryset] == [1, 2]
        assert form.initial["window"].number == 2
        assert b"Review 4" not in response.content
