"""Plain wording on the edition and booking pages: a 0% credit reads "no part of the fee is credited", and the
fee blurb does not repeat its lead-in ("The fee includes: Fees include …")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.personas import client_for
from qualifications.models import Edition
from qualifications.selectors.bookings import credited_share
from qualifications.tests.helpers import build_qual_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_qual_world()


def test_it_words_each_refund_share_plainly():
    """0% is no part of the fee, 100% the whole fee, anything else its percentage."""
    assert credited_share(0) == "no part of the fee"
    assert credited_share(0, only=True) == "no part of the fee"
    assert credited_share(100) == "the whole fee"
    assert credited_share(50, only=True) == "only 50% of the fee"


def test_it_says_no_part_of_the_fee_on_the_edition_page(w):
    """An edition crediting 0% after the first day says so in words, not "0% of the fee"."""
    Edition.objects.filter(pk=w.plq.pk).update(refund_before_start_percent=50, refund_after_start_percent=0)
    page = (
        client_for(w.coordinator)
        .get(reverse("qualifications:edition_detail", args=[w.plq.pk]))
        .content.decode()
    )
    assert "is credited 50% of the fee; on or after it, no part of the fee." in page
    assert "0% of the fee" not in page.replace("50% of the fee", "")


def test_it_does_not_repeat_the_fee_blurbs_lead_in(w, booked):
    """The loaded text begins "Fees include"; the pages give their label once, then what the fee includes."""
    assert w.isqam.fee_includes.startswith("Fees include")
    coordinator = client_for(w.coordinator)
    for url in (
        reverse("qualifications:edition_detail", args=[w.isqam.pk]),
        reverse("qualifications:booking_detail", args=[booked.pk]),
        reverse("qualifications:booking_create", args=[w.isqam_online.pk]),
    ):
        page = coordinator.get(url).content.decode()
        assert "fee includes:</strong> participant access to the training days" in page, url
        assert "Fees include" not in page, url
