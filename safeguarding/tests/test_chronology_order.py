"""A chronology is read in the order events happened (KCSIE): a concern sits on the day it happened, saying when it
was logged, in the page, its PDF's table and the exported file alike; the file sent to another school is an entry
on the day it was sent. "Today" is Monday 7 December 2026."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from core.testing.world import shared_world
from safeguarding import cp_file, selectors, services
from safeguarding.chronology_html import table_context
from safeguarding.services import transfers

from .helpers import concern_data, stepped_up

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 7, 15, tzinfo=datetime.UTC)


def _at(on: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(on, datetime.time(hour), tzinfo=datetime.UTC)


world = shared_world(at=TODAY)


def _late_disclosure(world):
    """Concern A happened and was logged on Mon 23 Nov; concern B, logged today (7 Dec), happened on Mon 9 Nov."""
    first_logged = services.concern_log(
        actor=world.tutor,
        pupil=world.alice,
        **concern_data(happened_at=_at(datetime.date(2026, 11, 23), 9), seen_or_heard="Bruise on her arm."),
        now=_at(datetime.date(2026, 11, 23)),
    )
    late = services.concern_log(
        actor=world.tutor,
        pupil=world.alice,
        **concern_data(
            happened_at=_at(datetime.date(2026, 11, 9)), seen_or_heard="Told me about 9 November."
        ),
        now=_at(datetime.date(2026, 12, 7), 14),
    )
    return first_logged, late


def test_it_places_a_concern_that_happened_earlier_before_one_logged_earlier(world):
    """The late disclosure (happened 9 Nov, logged 7 Dec) comes before the concern of 23 Nov, on its own day, and
    says when it was logged."""
    first_logged, late = _late_disclosure(world)
    concerns = selectors.chronology(world.alice, {"concern"})
    assert [(e.on, e.url) for e in concerns] == [
        (datetime.date(2026, 11, 9), reverse("safeguarding:concern_detail", args=[late.pk])),
        (datetime.date(2026, 11, 23), reverse("safeguarding:concern_detail", args=[first_logged.pk])),
    ]
    assert concerns[0].title.endswith("(logged 7 Dec 2026)")
    assert concerns[1].title.endswith("(logged 23 Nov 2026)")


def test_the_page_and_the_pdf_table_put_the_late_disclosure_first(world):
    """The chronology page, and the table its PDF prints (the same rows), show 9 Nov's concern above 23 Nov's."""
    _late_disclosure(world)
    page = (
        stepped_up(world.dsl).get(reverse("safeguarding:chronology", args=[world.alice.pk])).content.decode()
    )
    assert page.index("Told me about 9 November.") < page.index("Bruise on her arm.")
    assert "9 Nov 2026" in page and "logged 7 Dec 2026" in page
    rows = str(table_context(selectors.chronology(world.alice))["rows"])
    assert rows.index("Told me about 9 November.") < rows.index("Bruise on her arm.")


def test_the_exported_file_lists_and_dates_concerns_by_when_they_happened(world):
    """The transfer's JSON lists the late disclosure first; read back at the next school it is dated 9 Nov."""
    first_logged, late = _late_disclosure(world)
    document = transfers.file_document(world.alice)
    assert [c["id"] for c in document["concerns"]] == [late.pk, first_logged.pk]
    rows = [row for row in cp_file.chronology_rows(document) if "Concern" in row[2]]
    assert [(row[0], row[2]) for row in rows] == [
        ("2026-11-09", "From Oakfield School: Concern: Neglect (logged 7 Dec 2026)"),
        ("2026-11-23", "From Oakfield School: Concern: Neglect (logged 23 Nov 2026)"),
    ]


def test_a_file_sent_to_another_school_is_on_the_chronology_on_the_day_it_was_sent(world):
    """Sent to Riverside School on Thu 3 Dec: an entry that day, between 23 Nov's concern and today's, by the DSL,
    linking the transfers page; filterable on its own."""
    _late_disclosure(world)
    transfers.transfer_send(
        actor=world.dsl,
        pupil=world.alice,
        to_school="Riverside School",
        to_name="Olive Outsider",
        to_email="olive@riverside.test",
        now=_at(datetime.date(2026, 12, 3)),
    )
    entries = selectors.chronology(world.alice)
    [sent] = [e for e in entries if e.kind == "transfer"]
    assert (sent.on, sent.title, sent.by) == (
        datetime.date(2026, 12, 3),
        "Child protection file sent to Riverside School",
        "Dee Lead",
    )
    assert "Olive Outsider" in sent.detail and "Receipt not yet confirmed." in sent.detail
    assert sent.url == reverse("safeguarding:transfers", args=[world.alice.pk])
    assert [e.on for e in entries] == sorted(e.on for e in entries)
    assert [e.kind for e in selectors.chronology(world.alice, {"transfer"})] == ["transfer"]
    page = (
        stepped_up(world.dsl).get(reverse("safeguarding:chronology", args=[world.alice.pk])).content.decode()
    )
    assert "Child protection file sent to Riverside School" in page
