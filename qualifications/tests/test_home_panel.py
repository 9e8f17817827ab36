"""The bookings panel on the home page: one figure a tile (enrolled and waiting were two figures in one tile)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from core.testing.personas import client_for
from qualifications.tests.helpers import build_qual_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_qual_world()


def _tiles(user) -> list[str]:  # noqa: ANN001
    body = client_for(user).get(reverse("home")).content.decode()
    panel = body[body.index('id="qual-bookings-h"') :].split("</section>")[0]
    return [" ".join(strip_tags(tile).split()) for tile in re.findall(r"<li>(.*?)</li>", panel)]


def test_it_shows_the_enrolled_and_the_waiting_each_in_a_tile_of_its_own(w, full):
    for user in (w.admin, w.coordinator):
        tiles = _tiles(user)
        assert "1 enrolled" in tiles and "1 on waiting lists" in tiles, tiles
