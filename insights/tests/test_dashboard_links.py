"""The dashboard's breakdowns are named from one mapping ("SEN", "Year group", "Pupil premium"), and its links
replace `by` rather than piling it up: the other breakdowns' links and the export links carry one `by` each."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from core.testing.personas import client_for

pytestmark = pytest.mark.django_db


def _get(user, query: str):
    response = client_for(user).get(reverse("insights:dashboard") + "?" + query)
    assert response.status_code == 200, response.content[:300]
    return response


def test_it_names_each_breakdown_properly(world):
    """ "By SEN", "By year group", "By pupil premium"; the first column header the label itself."""
    for by, heading, first in (
        ("sen", "By SEN", "SEN"),
        ("year", "By year group", "Year group"),
        ("pupil_premium", "By pupil premium", "Pupil premium"),
    ):
        page = _get(world.senior, f"by={by}").content.decode()
        assert f"<h2>{heading}</h2>" in page
        assert f'<th scope="col">{first}</th>' in page
    assert "By sen" not in page and ">pupil premium<" not in page


def test_it_lists_the_other_breakdowns_without_a_stray_separator(world):
    """With the last breakdown chosen, the list ends "… SEN." (no " · ." left over)."""
    page = _get(world.senior, "by=pupil_premium").content.decode()
    assert "· ." not in page
    assert ">SEN</a>." in page


def test_it_replaces_by_in_every_link(world):
    """From ?year=9&by=sex&by=sen (showing SEN): each link keeps year 9 and has exactly one `by`."""
    response = _get(world.senior, "year=9&by=sex&by=sen")
    assert response.context["dimension"].key == "sen"
    links = dict(response.context["other_breakdowns"])
    assert set(links) == {"Year group", "Tutor group", "Sex", "Pupil premium"}
    for label, query in links.items():
        params = parse_qs(query)
        assert params["year"] == ["9"] and len(params["by"]) == 1
    assert parse_qs(links["Sex"])["by"] == ["sex"]
    exports = parse_qs(response.context["query"])
    assert exports["by"] == ["sen"] and "export" not in exports
