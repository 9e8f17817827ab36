"""The arithmetic of standards.md, checked against hand-computed cases."""

from __future__ import annotations

import datetime

import pytest

from attendance import selectors
from attendance.codes import CODES, Category
from attendance.models import AttendanceMark
from attendance.selectors import pupil_attendance_summary
from attendance.tests.helpers import MONDAY, mark, marks
from core.testing.factories import OrganisationFactory, PupilFactory

pytestmark = pytest.mark.django_db

END = MONDAY + datetime.timedelta(days=60)

# Every national code and how it counts, written out by hand from standards.md.
HAND_TABLE = {
    "/": "present",
    "\\": "present",
    "L": "present",
    "K": "attending",
    "V": "attending",
    "P": "attending",
    "W": "attending",
    "B": "attending",
    "C1": "authorised",
    "M": "authorised",
    "J1": "authorised",
    "S": "authorised",
    "C2": "authorised",
    "C": "authorised",
    "T": "authorised",
    "R": "authorised",
    "I": "authorised",
    "E": "authorised",
    "G": "unauthorised",
    "N": "unauthorised",
    "O": "unauthorised",
    "U": "unauthorised",
    "D": "not possible",
    "X": "not possible",
    "Q": "not possible",
    "Y1": "not possible",
    "Y2": "not possible",
    "Y3": "not possible",
    "Y4": "not possible",
    "Y5": "not possible",
    "Y6": "not possible",
    "Y7": "not possible",
    "Z": "not counted",
    "#": "not counted",
}
# For one session marked with the code: (possible, present, attending, authorised, unauthorised).
EXPECTED = {
    "present": (1, 1, 0, 0, 0),
    "attending": (1, 0, 1, 0, 0),
    "authorised": (1, 0, 0, 1, 0),
    "unauthorised": (1, 0, 0, 0, 1),
    "not possible": (0, 0, 0, 0, 0),
    "not counted": (0, 0, 0, 0, 0),
}


def test_it_knows_every_national_code_and_no_other():
    assert set(CODES) == set(HAND_TABLE)


@pytest.mark.parametrize("code", sorted(HAND_TABLE))
def test_it_counts_each_code_as_the_hand_table_says(code):
    """One session per code, summarised, matches the hand-computed row."""
    pupil = PupilFactory()
    mark(pupil, MONDAY, "AM", code, minutes_late=7 if code == "L" else None)
    s = pupil_attendance_summary(pupil=pupil, start=MONDAY, end=MONDAY)
    assert (s["possible"], s["present"], s["attending"], s["authorised"], s["unauthorised"]) == EXPECTED[
        HAND_TABLE[code]
    ]
    if HAND_TABLE[code] in ("present", "attending"):
        assert s["attendance_rate"] == 1.0 and s["absence_rate"] == 0.0
    elif HAND_TABLE[code] in ("authorised", "unauthorised"):
        assert (
            s["attendance_rate"] == 0.0 and s["absence_rate"] == 1.0 and s["is_persistent"] and s["is_severe"]
        )
    else:
        assert s["attendance_rate"] is None and s["absence_rate"] is None and not s["is_persistent"]


def test_it_computes_a_mixed_fortnight_by_hand():
    """20 sessions: 14 present/late, 1 trip, 2 illness, 1 G, 1 D (not possible), 1 # (not counted)."""
    pupil = PupilFactory()
    codes = ["/", "\\"] * 6 + ["L", "\\", "V", "I", "I", "G", "D", "#"]
    marks(pupil, codes)
    s = pupil_attendance_summary(pupil=pupil, start=MONDAY, end=END)
    # possible = 20 - D - # = 18; present 14; attending 1; authorised 2; unauthorised 1
    assert s["possible"] == 18
    assert (s["present"], s["attending"], s["authorised"], s["unauthorised"]) == (14, 1, 2, 1)
    assert s["attendance_rate"] == pytest.approx(15 / 18)
    assert s["absence_rate"] == pytest.approx(3 / 18)
    assert s["is_persistent"] and not s["is_severe"]


def test_it_treats_exactly_ten_percent_absence_as_persistent():
    pupil = PupilFactory()
    marks(pupil, ["/"] * 18 + ["I", "N"])  # 2 of 20 = exactly 10%
    s = pupil_attendance_summary(pupil=pupil, start=MONDAY, end=END)
    assert s["absence_rate"] == pytest.approx(0.10)
    assert s["is_persistent"] is True and s["is_severe"] is False


def test_it_does_not_call_just_under_ten_percent_persistent():
    pupil = PupilFactory()
    marks(pupil, ["/"] * 20 + ["I", "N"])  # 2 of 22 = 9.09%
    assert pupil_attendance_summary(pupil=pupil, start=MONDAY, end=END)["is_persistent"] is False


def test_it_treats_exactly_fifty_percent_as_severe():
    pupil = PupilFactory()
    marks(pupil, ["/", "O"] * 5)
    s = pupil_attendance_summary(pupil=pupil, start=MONDAY, end=END)
    assert s["is_severe"] is True and s["absence_rate"] == 0.5


def test_it_does_not_count_d_x_q_or_y_codes_as_possible_sessions():
    """A week of not-possible codes around two absences: only the absences are possible sessions."""
    pupil = PupilFactory()
    marks(pupil, ["D", "X", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "/", "I"])
    s = pupil_attendance_summary(pupil=pupil, start=MONDAY, end=END)
    assert s["possible"] == 2 and s["absence_rate"] == 0.5


def test_it_does_not_count_z_or_hash_at_all():
    pupil = PupilFactory()
    marks(pupil, ["Z", "Z", "#", "#", "/", "/", "/", "/", "/", "G"])
    s = pupil_attendance_summary(pupil=pupil, start=MONDAY, end=END)
    assert s["possible"] == 6 and s["present"] == 5 and s["unauthorised"] == 1


def test_it_lists_persistent_and_severe_pupils_with_the_same_arithmetic():
    school = OrganisationFactory()
    exact, under, severe = (
        PupilFactory(organisation=school),
        PupilFactory(organisation=school),
        PupilFactory(organisation=school),
    )
    marks(exact, ["/"] * 9 + ["N"] + ["D"] * 4)  # 1 of 10, D not possible
    marks(under, ["/"] * 10 + ["N"])  # 1 of 11
    marks(severe, ["I", "/"] * 3)
    scope = selectors.scope_for(school)
    qs = selectors.scope_marks(scope, MONDAY, END)
    persistent = {r["pupil_id"] for r in selectors.per_pupil(qs, threshold="persistent")}
    assert persistent == {exact.pk, severe.pk}
    assert {r["pupil_id"] for r in selectors.per_pupil(qs, threshold="severe")} == {severe.pk}


def test_it_adds_up_a_group_of_schools():
    trust = OrganisationFactory(kind="group")
    a, b = OrganisationFactory(parent=trust), OrganisationFactory(parent=trust)
    marks(PupilFactory(organisation=a), ["/", "I"])
    marks(PupilFactory(organisation=b), ["/", "/"])
    marks(PupilFactory(), ["I", "I"])  # another trust's school
    totals = selectors.summarise(selectors.scope_marks(selectors.scope_for(trust), MONDAY, END))
    assert totals["possible"] == 4 and totals["authorised"] == 1


def test_it_keeps_categories_in_step_with_codes():
    for code, info in CODES.items():
        assert info.category in Category
        assert HAND_TABLE[code].split()[0] in info.category.label or HAND_TABLE[code] == "not possible"


def test_it_gets_the_same_totals_from_per_pupil_rows_as_from_one_aggregate():
    school = OrganisationFactory()
    marks(PupilFactory(organisation=school), ["/", "I", "V", "D", "G", "#", "L", "M"])
    marks(PupilFactory(organisation=school), ["\\", "O", "Z", "B"])
    qs = selectors.scope_marks(selectors.scope_for(school), MONDAY, END)
    assert selectors.totals_of(selectors.per_pupil(qs)) == selectors.summarise(qs)


def test_it_adds_up_weeks_from_days_exactly():
    """Weekly trend: two weeks by hand (Monday 5 and 12 October 2026)."""
    pupil = PupilFactory()
    marks(pupil, ["/", "I"] * 5 + ["/", "/"] * 4 + ["D", "O"])
    trend = selectors.weekly_trend(AttendanceMark.objects.filter(pupil=pupil))
    assert [w["week"] for w in trend] == [datetime.date(2026, 10, 5), datetime.date(2026, 10, 12)]
    assert (trend[0]["possible"], trend[0]["authorised"]) == (10, 5)
    assert (trend[1]["possible"], trend[1]["present"], trend[1]["unauthorised"]) == (9, 8, 1)
