"""Cloning an edition moves every year and date in its text to the new academic year."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.personas import client_for
from organisations.models import AcademicYear
from qualifications import services
from qualifications.models import Activity, Edition, Module
from qualifications.tests.helpers import build_qual_world

pytestmark = pytest.mark.django_db


def year(name: str) -> AcademicYear:
    return services.academic_year_named(name)


@pytest.fixture
def w():
    return build_qual_world(as_loaded=True)


@pytest.mark.parametrize(
    ("text", "old", "new", "expected"),
    [
        (
            "planned for the 2022-23 academic year",
            "2022-23",
            "2026-27",
            "planned for the 2026-27 academic year",
        ),
        (
            "before the end of July 2022 deadline",
            "2022-23",
            "2026-27",
            "before the end of July 2027 deadline",
        ),
        (
            "before the end of July 2023 deadline",
            "2022-23",
            "2026-27",
            "before the end of July 2027 deadline",
        ),
        ("from October 2022 to March 2023", "2022-23", "2026-27", "from October 2026 to March 2027"),
        ("the 2022/23 and 2022–2023 years", "2022-23", "2026-27", "the 2026/27 and 2026–2027 years"),
        ("www.hmcpd.org.uk/plq-2022-23.", "2022-23", "2026-27", "www.hmcpd.org.uk/plq-2026-27."),
        ("in 2023 the review", "2022-23", "2026-27", "in 2027 the review"),
        # One pass: a year moved is never moved again (2022-23 → 2023-24 shares 2023).
        ("2022-23, July 2023 and 2023", "2022-23", "2023-24", "2023-24, July 2024 and 2024"),
        # Other years are someone else's: a testimonial, a statute.
        ("(PLQ L2 Participant 2017-18); Regulations 2014", "2022-23", "2026-27", None),
    ],
)
def test_it_moves_the_years_and_dates_of_a_text(text, old, new, expected):
    """Academic years, months with a year, and bare years of the old academic year move; other years stay."""
    moved = services.move_years_in_text(text, old=year(old), new=year(new))
    assert moved == (text if expected is None else expected)


def test_it_moves_the_years_in_a_cloned_editions_text_through_the_clone_page(w):
    """Cloning PLQ 2022-23 for 2026-27 leaves no 2022 or 2023 in its text and the deadline sentence matches the
    July 2027 deadline."""
    target = year("2026-27")
    response = client_for(w.admin).post(
        reverse("qualifications:edition_clone", args=[w.plq.pk]), {"academic_year": target.pk}
    )
    new = Edition.objects.get(programme=w.plq.programme, academic_year=target)
    assert response.status_code == 302
    assert new.portfolio_deadline.isoformat() == "2027-07-31"
    assert "end of July 2027 deadline" in new.review_note
    assert "the 2026-27 academic year" in new.delivery_note
    assert new.title.endswith("2026-27")
    texts = [getattr(new, f) for f in services.EDITION_TEXT_FIELDS] + [str(new.prerequisites)]
    texts += [m.content + str(m.explores) + str(m.enables) for m in Module.objects.filter(edition=new)]
    texts += [a.title + a.notes for a in Activity.objects.filter(module__edition=new)]
    for text in texts:
        assert "2022" not in text and "2023" not in text, text
    page = client_for(w.admin).get(reverse("qualifications:edition_detail", args=[new.pk])).content.decode()
    assert "end of July 2027 deadline" in page and "July 2022" not in page
    w.plq.refresh_from_db()
    assert "end of July 2022 deadline" in w.plq.review_note  # the source keeps its own words


def test_it_moves_the_years_of_the_isqam_text_in_a_clone(w):
    """ISQAM 2023-24 cloned for 2027-28: "July 2024" becomes July 2028 and "2023-24" becomes 2027-28."""
    new = services.edition_clone(actor=w.admin, edition=w.isqam, academic_year=year("2027-28"))
    assert "end of July 2028 deadline" in new.review_note
    assert "2023-24" not in new.delivery_note and "2027-28 academic year" in new.delivery_note
