"""The main navigation marks one link as the current page: the one whose address is the longest start of it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db

world = shared_world()


def _current(body: str) -> list[str]:
    """The main navigation's links marked as the current page (a page's own tabs may mark theirs too)."""
    nav = body[
        body.index('<nav class="main-nav"') : body.index("</nav>", body.index('<nav class="main-nav"'))
    ]
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', nav)


def test_it_marks_only_the_most_specific_link_as_the_current_page(world):
    client = client_for(world.dsl)
    assert reverse("safeguarding:referrals").startswith(reverse("safeguarding:queue"))
    assert _current(client.get(reverse("safeguarding:referrals")).content.decode()) == ["Referrals"]
    assert _current(client.get(reverse("safeguarding:queue")).content.decode()) == ["Safeguarding"]
