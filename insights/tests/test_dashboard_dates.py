"""A period that ends before it starts is the form's clear error on the dashboard, with no figures shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.personas import client_for

pytestmark = pytest.mark.django_db


def test_it_refuses_a_reversed_date_range_with_the_forms_error(world):
    """7 Dec to 1 Sep: the form says so (as the governors' report form does) and no figure is worked out."""
    response = client_for(world.senior).get(
        reverse("insights:dashboard"), {"start": "2026-12-07", "end": "2026-09-01"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The period must end on or after the day it starts." in page
    assert "headline" not in response.context and "Headline figures" not in page
    assert "Correct the dates above to see the figures." in page


def test_it_refuses_an_export_of_a_reversed_date_range(world):
    """The download of a reversed range is the same error page, not a file of the default period."""
    response = client_for(world.senior).get(
        reverse("insights:dashboard"),
        {"start": "2026-12-07", "end": "2026-09-01", "export": "headline", "format": "csv"},
    )
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


def test_it_still_shows_a_range_of_one_day(world):
    """Starting and ending on the same day is a valid period."""
    response = client_for(world.senior).get(
        reverse("insights:dashboard"), {"start": "2026-11-27", "end": "2026-11-27"}
    )
    assert response.status_code == 200 and response.context["headline"]["students"] == 4
