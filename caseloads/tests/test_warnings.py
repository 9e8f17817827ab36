"""The LPR indicators caseloads adds to the early-warning list, hand-computed on built cases, including the cases
exactly at a threshold: the day a review is held, the day a window is due by, the number of windows missed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from caseloads import services
from core.testing.factories import GroupMembershipFactory, PupilFactory
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from early_warning.registry import defaults
from early_warning.selectors import evaluate, visible_keys

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)
ON = datetime.date(2026, 11, 27)
OCT_14, NOV_10 = datetime.date(2026, 10, 14), datetime.date(2026, 11, 10)


def _build_world():
    """Windows 1 (1 Sep – 31 Oct) and 2 (1 Nov – 31 Dec). The PAL carries 9A (Alice, Ben) and 10A (Dan).
    Alice: LPR 1 held 14 Oct rating a high risk, signed off that day.
    Ben: LPR 1 held 14 Oct rating a high risk, signed off only on 10 Nov; LPR 2 held 20 Nov rating it low (draft).
    Dan: LPR 2 held 20 Nov rating a medium risk (draft); no LPR 1.
    Cleo (9B) is on no PAL's caseload. Nia joined 9A on 2 November, after window 1 closed."""
    world = build_school_world()
    first, second = services.windows_for(world.school, services.academic_year_for(ON))[:2]

    def review(pupil, window, held_on, risk, signed=None):
        found = services.review_start(actor=world.pal, pupil=pupil, window=window, held_on=held_on)
        services.review_update(actor=world.pal, review=found, student_voice="", comment="Seen", risk=risk)
        if signed:
            when = datetime.datetime.combine(signed, datetime.time(15), tzinfo=datetime.UTC)
            services.review_sign_off(actor=world.pal, review=found, now=when)

    review(world.alice, first, OCT_14, "high", signed=OCT_14)
    review(world.ben, first, OCT_14, "high", signed=NOV_10)
    review(world.ben, second, datetime.date(2026, 11, 20), "low")
    review(world.dan, second, datetime.date(2026, 11, 20), "medium")
    world.nia = PupilFactory(
        organisation=world.school,
        legal_first_name="Nia",
        year_group=9,
        admitted_on=datetime.date(2026, 11, 2),
    )
    GroupMembershipFactory(group=world.group_9a, pupil=world.nia, starts_on=datetime.date(2026, 11, 2))
    return world


world = shared_world(_build_world, at=AT)


def _on(world, key: str, on: datetime.date = ON, values=None) -> dict[int, str]:
    found = evaluate(world.school, on, values or defaults())
    return {pid: line.evidence for pid, lines in found.items() for line in lines if line.key == key}


def test_the_latest_review_by_the_day_gives_the_risk_rating(world):
    """Alice's LPR 1 rated high; Ben's later LPR 2 rated low replaces his high; Dan's rated medium."""
    assert _on(world, "lpr_risk_high") == {
        world.alice.pk: "LPR 1 on 14 Oct 2026 rated the risk of withdrawal high"
    }
    assert _on(world, "lpr_risk_medium") == {
        world.dan.pk: "LPR 2 on 20 Nov 2026 rated the risk of withdrawal medium"
    }


def test_a_rating_counts_from_the_day_the_review_is_held(world):
    """On 13 October nobody is rated; on 14 October exactly, Alice and Ben are; on 19 November Ben still is."""
    assert _on(world, "lpr_risk_high", datetime.date(2026, 10, 13)) == {}
    assert set(_on(world, "lpr_risk_high", OCT_14)) == {world.alice.pk, world.ben.pk}
    assert set(_on(world, "lpr_risk_high", datetime.date(2026, 11, 19))) == {world.alice.pk, world.ben.pk}


def test_a_window_is_missed_the_day_after_it_is_due(world):
    """On 31 October (the day window 1 is due by) nothing is missed; on 1 November Ben's LPR 1 (held, not yet
    signed off) and Dan's are; Cleo is on no caseload; Nia was not on roll when it closed."""
    assert _on(world, "lpr_missed", datetime.date(2026, 10, 31)) == {}
    missed = "1 LPR missed: LPR 1 (due by 31 Oct 2026) (1 or more)"
    assert _on(world, "lpr_missed", datetime.date(2026, 11, 1)) == {
        world.ben.pk: missed,
        world.dan.pk: missed,
    }


def test_a_review_signed_off_late_stops_counting_as_missed_from_that_day(world):
    assert world.ben.pk in _on(world, "lpr_missed", datetime.date(2026, 11, 9))
    assert set(_on(world, "lpr_missed", NOV_10)) == {world.dan.pk}
    assert set(_on(world, "lpr_missed")) == {world.dan.pk}


def test_the_school_sets_how_many_missed_windows_flag(world):
    """On 4 January 2027 windows 1 and 2 have closed: Dan missed both, Ben and Alice one (LPR 2, a draft or none),
    Nia one (LPR 2). At 2 or more only Dan is on; exactly 2 is on."""
    day = datetime.date(2027, 1, 4)
    assert set(_on(world, "lpr_missed", day)) == {world.alice.pk, world.ben.pk, world.dan.pk, world.nia.pk}
    values = {**defaults(), "lpr_missed.windows": 2}
    assert _on(world, "lpr_missed", day, values) == {
        world.dan.pk: "2 LPRs missed: LPR 1 (due by 31 Oct 2026), LPR 2 (due by 31 Dec 2026) (2 or more)"
    }


def test_lpr_lines_are_for_the_roles_that_read_lprs(world):
    lpr = {"lpr_risk_high", "lpr_risk_medium", "lpr_missed"}
    for user in (world.pal, world.head_of_year9, world.senior):
        assert lpr <= visible_keys(user, world.school.pk)
    for user in (world.dsl, world.senco, world.attendance_officer):
        assert not lpr & visible_keys(user, world.school.pk)


def test_the_list_explains_the_lpr_lines_with_their_points(world):
    """Dan: medium risk (1) + LPR 1 missed (2) = 3, below the flag of 4; Alice: high risk (3)."""
    page = client_for(world.head_of_year10).get(reverse("early_warning:pupil", args=[world.dan.pk]))
    text = page.content.decode()
    assert "LPR 2 on 20 Nov 2026 rated the risk of withdrawal medium: +1" in text
    assert "1 LPR missed: LPR 1 (due by 31 Oct 2026) (1 or more): +2" in text
    assert page.context["entry"].score == 3
    assert (
        client_for(world.dsl).get(reverse("early_warning:pupil", args=[world.dan.pk])).context["entry"].score
        == 0
    )
