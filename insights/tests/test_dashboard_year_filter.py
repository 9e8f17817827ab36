"""The dashboard's Year filter offers only the years the viewer may read: a head of year their own year."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.personas import client_for

pytestmark = pytest.mark.django_db


def _years(user) -> list[str]:
    response = client_for(user).get(reverse("insights:dashboard"))
    assert response.status_code == 200
    return [value for value, _ in response.context["form"].fields["year"].choices]


def test_it_offers_a_head_of_year_only_their_own_year(world):
    """Hugo, head of Year 9: "All years" and Year 9, nothing that would answer 403."""
    assert _years(world.head_of_year9) == ["", "9"]


def test_it_offers_a_senior_leader_every_year_the_school_teaches(world):
    """The senior leader may read every year: all of them offered."""
    years = _years(world.senior)
    assert years[0] == "" and {"9", "10"} <= set(years) and len(years) > 2
