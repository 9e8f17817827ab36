"""The booking form asks only what the programme and level ask for: the Head's discussion for PLQJ aspiring
leaders, the ICT and MIS declaration for ISQAM Level 2."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.personas import client_for
from qualifications.models import Booking
from qualifications.tests.helpers import build_qual_world, safeguarded
from qualifications.tests.test_views import place_data

pytestmark = pytest.mark.django_db

HEAD = 'name="place-0-head_discussion_on"'
NOTES = 'name="place-0-head_discussion_notes"'
ICT = 'name="place-0-ict_declared"'
ASPIRING = 'name="place-0-is_aspiring"'


@pytest.fixture
def w():
    return build_qual_world()


def _form(w, cluster) -> str:
    return (
        client_for(w.coordinator)
        .get(reverse("qualifications:booking_create", args=[cluster.pk]))
        .content.decode()
    )


def test_it_asks_a_plq_booking_for_no_plqj_or_isqam_fields(w):
    """PLQ: aspiring leaders may be flagged, but there is no Head's discussion and no ICT declaration."""
    for cluster in (w.plq_l1, w.plq_l2):
        page = _form(w, cluster)
        assert ASPIRING in page
        assert HEAD not in page and NOTES not in page and ICT not in page
        assert "PLQJ" not in page and "ISQAM" not in page


def test_it_asks_a_plqj_booking_for_the_heads_discussion_only(w):
    """PLQJ: the Head's discussion is asked; the ISQAM declaration is not."""
    page = _form(w, w.plqj_l1)
    assert HEAD in page and NOTES in page and ICT not in page


def test_it_asks_for_the_ict_declaration_on_isqam_level_2_only(w):
    """ISQAM Level 2 asks for the declaration; ISQAM Level 1 does not; neither asks for a Head's discussion."""
    level2, level1 = _form(w, w.isqam_l2), _form(w, w.isqam_online)
    assert ICT in level2 and HEAD not in level2
    assert ICT not in level1 and HEAD not in level1


def test_it_books_a_plq_place_from_the_slimmer_form(w):
    """Posting the PLQ form without the removed fields books the place."""
    safeguarded(w.school.school, w.staff[0])
    response = client_for(w.coordinator).post(
        reverse("qualifications:booking_create", args=[w.plq_l1.pk]),
        place_data([{"participant": w.staff[0].pk, "mentor": w.mentor.pk}]),
    )
    assert response.status_code == 302
    place = Booking.objects.get().enrolments.get()
    assert not place.ict_declared and place.head_discussion_on is None


def test_it_still_refuses_isqam_level_2_without_the_declaration_through_the_form(w):
    """The declaration asked on ISQAM Level 2 still has to be ticked."""
    client = client_for(w.coordinator)
    url = reverse("qualifications:booking_create", args=[w.isqam_l2.pk])
    data = place_data([{"participant": w.staff[0].pk, "mentor": w.mentor.pk}])
    refused = client.post(url, {**data, "acknowledge_warnings": "on"})
    assert refused.status_code == 200 and "Tick the declaration" in refused.content.decode()
    assert not Booking.objects.exists()
    ok = client.post(url, {**data, "acknowledge_warnings": "on", "place-0-ict_declared": "on"})
    assert ok.status_code == 302 and Booking.objects.get().enrolments.get().ict_declared
