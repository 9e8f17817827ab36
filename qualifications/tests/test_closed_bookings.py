"""Closed for bookings: an edition whose academic year has ended, a cluster whose training days are over; and the
plain warning before booking a cluster whose first training day has passed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.testing.personas import client_for
from qualifications import services
from qualifications.models import Booking, Cluster, Edition, TrainingDay
from qualifications.tests.helpers import TODAY, book, build_qual_world
from qualifications.tests.test_views import place_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_qual_world()


def _close(edition: Edition) -> Edition:
    """Put the edition in an academic year that ended before today (the year before last)."""
    start = TODAY.year - 2
    edition.academic_year = services.academic_year_named(f"{start}-{(start + 1) % 100:02d}")
    edition.save(update_fields=["academic_year"])
    return edition


def _days(cluster: Cluster, *offsets: int) -> None:
    """Replace the cluster's training days with days `offsets` days from today (09:30 to 16:00)."""
    cluster.training_days.all().delete()
    for offset in offsets:
        day = TODAY + datetime.timedelta(days=offset)
        TrainingDay.objects.create(
            organisation=cluster.organisation,
            cluster=cluster,
            term="autumn",
            starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30))),
            ends_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0))),
        )


def test_it_shows_an_edition_whose_year_has_ended_as_closed(w):
    """The catalogue says "Closed for bookings" for an ended edition and "Open for bookings" for a current one."""
    _close(w.plq)
    page = client_for(w.coordinator).get(reverse("qualifications:edition_list")).content.decode()
    plq_row = page[page.index(f"PLQ {w.plq.academic_year.name}") :].split("</tr>")[0]
    isqam_row = page[page.index(f"ISQAM {w.isqam.academic_year.name}") :].split("</tr>")[0]
    assert "Closed for bookings" in plq_row and "Open for bookings" not in plq_row
    assert "Open for bookings" in isqam_row


def test_it_offers_no_book_link_on_a_closed_edition(w):
    """The edition page says it is closed and offers no "Book places"."""
    _close(w.plq)
    page = client_for(w.coordinator).get(reverse("qualifications:edition_detail", args=[w.plq.pk])).content
    text = page.decode()
    assert "Closed for bookings: the" in text and "academic year ended on" in text
    assert reverse("qualifications:booking_create", args=[w.plq_l1.pk]) not in text


def test_it_refuses_a_booking_on_a_closed_edition_in_the_service(w):
    """The booking service itself refuses an edition whose academic year has ended."""
    _close(w.isqam)
    with pytest.raises(services.BookingRefused) as refused:
        book(w, w.isqam_online, [w.staff[0]])
    assert "is closed for bookings" in " ".join(refused.value.messages)
    assert not Booking.objects.exists()


def test_it_refuses_a_closed_edition_through_the_booking_page(w):
    """The booking page says why and shows no form; a post books nothing."""
    _close(w.isqam)
    client = client_for(w.coordinator)
    url = reverse("qualifications:booking_create", args=[w.isqam_online.pk])
    page = client.get(url).content.decode()
    assert "is closed for bookings" in page and 'name="place-0-participant"' not in page
    response = client.post(
        url,
        {**place_data([{"participant": w.staff[0].pk, "mentor": w.mentor.pk}]), "acknowledge_warnings": "on"},
    )
    assert response.status_code == 200 and not Booking.objects.exists()


def test_it_refuses_a_cluster_whose_training_days_are_all_over(w):
    """Nothing of what the fee buys is left: refused, with the last training day named."""
    _days(w.isqam_online, -40, -5)
    with pytest.raises(services.BookingRefused) as refused:
        book(w, w.isqam_online, [w.staff[0]])
    last = TODAY - datetime.timedelta(days=5)
    assert f"its last training day was {last:%-d %B %Y}" in " ".join(refused.value.messages)


def test_it_warns_plainly_before_booking_a_cluster_that_has_started(w):
    """Before anything is chosen, the page says the cluster has started and that no part of the fee would be credited."""
    _days(w.isqam_online, -5, 30)
    page = (
        client_for(w.coordinator)
        .get(reverse("qualifications:booking_create", args=[w.isqam_online.pk]))
        .content.decode()
    )
    first = TODAY - datetime.timedelta(days=5)
    assert "This cluster has already started" in page
    assert f"its first training day was {first:%-d %B %Y}" in page
    assert "if it is withdrawn or cancelled no part of the fee is credited" in page
    assert "0% of the fee" not in page


def test_it_books_a_started_cluster_only_once_the_warning_is_ticked(w):
    """Without the tick nothing is booked and the box is marked; with it the booking is made."""
    _days(w.isqam_online, -5, 30)
    client = client_for(w.coordinator)
    url = reverse("qualifications:booking_create", args=[w.isqam_online.pk])
    data = place_data([{"participant": w.staff[0].pk, "mentor": w.mentor.pk}])
    first = client.post(url, data)
    assert first.status_code == 200 and not Booking.objects.exists()
    assert "Tick this to confirm you have read the advice above." in first.content.decode()
    second = client.post(url, {**data, "acknowledge_warnings": "on"})
    assert second.status_code == 302 and Booking.objects.count() == 1


def test_it_marks_a_started_cluster_beside_book_places_on_the_edition_page(w):
    """The edition page keeps "Book places" for a started cluster but says plainly that it has started."""
    _days(w.isqam_online, -5, 30)
    page = (
        client_for(w.coordinator)
        .get(reverse("qualifications:edition_detail", args=[w.isqam.pk]))
        .content.decode()
    )
    row = page[page.index("ISQAM L1 Online") :].split("</tr>")[0]
    assert "Book places" in row and "Started" in row and "has started" in row
    other = page[page.index("ISQAM L1 Oundle") :].split("</tr>")[0]
    assert "Book places" in other and "has started" not in other
