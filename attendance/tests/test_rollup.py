"""The weekly roll-up never drifts from the marks, and figures read from it equal figures read from marks."""

from __future__ import annotations

import datetime
import io
import random

import pytest
from django.utils import timezone

from attendance import imports, rollup, selectors, services
from attendance.models import AttendanceMark, AttendanceRollup
from attendance.tests.helpers import MONDAY, mark, marks
from core.testing.factories import OrganisationFactory, PupilFactory
from core.testing.personas import build_school_world

pytestmark = pytest.mark.django_db

CODES = ["/", "\\", "L", "V", "I", "M", "E", "G", "N", "O", "U", "D", "Y2", "Z", "#"]


def _weekly(pupil):
    return {
        w.starts_on: (w.present, w.attending, w.authorised, w.unauthorised)
        for w in AttendanceRollup.objects.filter(pupil=pupil, span_weeks=rollup.WEEK)
    }


def test_it_counts_a_week_of_marks_by_category():
    pupil = PupilFactory()
    marks(pupil, ["/", "I", "V", "D", "G", "#", "L", "M", "\\", "N"])  # Monday 5 – Friday 9 October 2026
    assert _weekly(pupil) == {MONDAY: (3, 1, 2, 2)}  # D and # are not possible sessions
    assert rollup.differences() == []


def test_it_follows_a_single_mark_saved_changed_and_deleted():
    pupil = PupilFactory()
    m = mark(pupil, MONDAY, "AM", "/")
    assert _weekly(pupil) == {MONDAY: (1, 0, 0, 0)}
    m.code = "I"
    m.save()
    assert _weekly(pupil) == {MONDAY: (0, 0, 1, 0)}
    fresh = AttendanceMark.objects.get(pk=m.pk)
    fresh.code = "D"  # no longer a possible session
    fresh.save()
    assert _weekly(pupil) == {MONDAY: (0, 0, 0, 0)}
    fresh.code = "O"
    fresh.save()
    fresh.delete()
    assert _weekly(pupil) == {MONDAY: (0, 0, 0, 0)}
    assert rollup.differences() == []


def test_it_follows_a_mark_loaded_without_its_category():
    pupil = PupilFactory()
    m = mark(pupil, MONDAY, "PM", "/")
    partial = AttendanceMark.objects.only("pk", "code").get(pk=m.pk)
    partial.code = "G"
    partial.save()
    assert _weekly(pupil) == {MONDAY: (0, 0, 0, 1)} and rollup.differences() == []


def test_every_service_that_writes_marks_keeps_the_rollup_exact():
    world = build_school_world()
    day = timezone.localdate() - datetime.timedelta(days=14)
    day -= datetime.timedelta(days=day.weekday())  # a Monday two weeks ago: the register has closed
    entries = {p.pk: services.Entry("/") for p in (world.alice, world.ben)}
    services.save_register(actor=world.tutor, group=world.group_9a, date=day, session="AM", entries=entries)
    assert rollup.differences() == []
    entries = {
        world.alice.pk: services.Entry("N", original="/"),
        world.ben.pk: services.Entry("/", original="/"),
    }
    services.save_register(
        actor=world.tutor, group=world.group_9a, date=day, session="AM", entries=entries, reason="Phoned in"
    )
    assert rollup.differences() == []
    services.amend_mark(
        actor=world.attendance_officer, pupil=world.ben, date=day, session="PM", code="M", reason="Dentist"
    )
    n = AttendanceMark.objects.get(pupil=world.alice, date=day, session="AM")
    services.resolve_n(actor=world.attendance_officer, mark=n, code="I", reason="Parent rang")
    services.marks_for_suspension(
        actor=world.senior, pupil=world.cleo, start=day, end=day + datetime.timedelta(days=3)
    )
    assert rollup.differences() == []
    world.dan.upn = "D123456789012"  # an import finds a pupil by an id it holds (a blank UPN matches no one)
    world.dan.save()
    csv = (
        "upn,date,session,code,minutes_late\n"
        f"{world.alice.upn},{day:%Y-%m-%d},AM,O,\n"  # amends an existing mark
        f"{world.dan.upn},{day + datetime.timedelta(days=1):%Y-%m-%d},PM,L,10\n"
    )
    result = imports.import_marks(actor=world.attendance_officer, organisation=world.school, data=csv)
    assert result.ok, result.errors
    assert rollup.differences() == []
    assert _weekly(world.alice)[day] == (0, 0, 0, 1)


def test_a_rebuild_writes_what_the_writes_kept():
    school = OrganisationFactory()
    rng = random.Random(7)
    for _ in range(4):
        marks(PupilFactory(organisation=school), [rng.choice(CODES) for _ in range(30)])
    before = sorted(
        AttendanceRollup.objects.values_list("pupil_id", "span_weeks", "starts_on", *rollup.COLUMNS)
    )
    assert rollup.rebuild(organisation_ids=[school.pk]) > 0
    after = sorted(
        AttendanceRollup.objects.values_list("pupil_id", "span_weeks", "starts_on", *rollup.COLUMNS)
    )
    assert before == after


def test_differences_names_the_pupil_and_week_that_drifted():
    pupil = PupilFactory()
    marks(pupil, ["/", "I"])
    AttendanceRollup.objects.filter(pupil=pupil, span_weeks=rollup.WEEK).update(present=5)
    assert rollup.differences() == [
        f"pupil {pupil.pk}, week from {MONDAY}: marks say [1, 0, 1, 0], roll-up says [5, 0, 1, 0]"
    ]
    rollup.rebuild(pupil_ids=[pupil.pk])
    assert rollup.differences() == []


def test_a_range_ending_on_friday_is_read_as_whole_weeks_unless_the_weekend_has_marks():
    school = OrganisationFactory()
    pupil = PupilFactory(organisation=school)
    marks(pupil, ["/"] * 20)  # two weeks, Monday to Friday
    scope = selectors.scope_for(school)
    friday = MONDAY + datetime.timedelta(days=11)
    assert selectors.split_range(scope, MONDAY, friday) == selectors.Split(
        MONDAY, MONDAY + datetime.timedelta(days=7), []
    )
    mark(pupil, friday + datetime.timedelta(days=1), "AM", "I")  # a Saturday session
    split = selectors.split_range(scope, MONDAY, friday)
    assert split == selectors.Split(MONDAY, MONDAY, [(MONDAY + datetime.timedelta(days=7), friday)])
    rows = selectors.scope_per_pupil(scope, MONDAY, friday)
    assert (rows[0]["possible"], rows[0]["authorised"]) == (20, 0)  # Saturday is outside the range


def test_figures_from_the_rollup_equal_figures_from_the_marks_for_any_range_and_scope():
    """200 random ranges (part-weeks, single days, four-week blocks, weekends with marks) over two schools."""
    trust = OrganisationFactory(kind="group")
    schools = [OrganisationFactory(parent=trust), OrganisationFactory(parent=trust)]
    rng = random.Random(2026)
    pupils = [PupilFactory(organisation=schools[i % 2], year_group=7 + i % 3) for i in range(8)]
    start = MONDAY - datetime.timedelta(days=21)
    for pupil in pupils:
        marks(pupil, [rng.choice(CODES) for _ in range(130)], start=start)  # 13 weeks
    mark(pupils[0], MONDAY + datetime.timedelta(days=5), "AM", "I")  # a Saturday
    assert rollup.differences() == []
    scopes = [
        selectors.scope_for(trust),
        selectors.scope_for(schools[0]),
        selectors.scope_for(schools[1], year_group=8),
    ]
    blocks_used = 0
    for _ in range(200):
        scope = rng.choice(scopes)
        a = start + datetime.timedelta(days=rng.randint(-3, 45))
        b = a + datetime.timedelta(days=rng.randint(0, 95))
        for threshold in ("", "persistent", "severe"):
            want = selectors.per_pupil(selectors.scope_marks(scope, a, b), threshold=threshold)
            got = selectors.scope_per_pupil(scope, a, b, threshold=threshold)
            assert got == want, (scope.label, a, b, threshold)
        assert selectors.scope_trend(scope, a, b) == selectors.weekly_trend(
            selectors.scope_marks(scope, a, b)
        )
        blocks_used += selectors.split_range(scope, a, b).first_block is not None
    assert blocks_used > 20  # the ranges did exercise four-week blocks


def test_blocks_are_four_whole_weeks_from_a_fixed_monday():
    assert rollup.block_of(datetime.date(1990, 1, 1)) == datetime.date(1990, 1, 1)
    block = rollup.block_of(MONDAY)
    assert block.weekday() == 0 and block <= MONDAY < block + datetime.timedelta(weeks=4)
    assert rollup.block_of(block + datetime.timedelta(days=27)) == block
    assert rollup.block_of(block + datetime.timedelta(days=28)) == block + datetime.timedelta(weeks=4)


def test_a_long_range_reads_whole_blocks_and_the_weeks_either_side_once():
    school = OrganisationFactory()
    pupil = PupilFactory(organisation=school)
    block = rollup.block_of(MONDAY)
    start = block - datetime.timedelta(weeks=1)  # one week before a block
    marks(pupil, ["I", "/"] * 5 * 10, start=start)  # ten weeks: 1 + 8 (two blocks) + 1
    end = start + datetime.timedelta(weeks=10) - datetime.timedelta(days=3)  # the Friday of week ten
    split = selectors.split_range(selectors.scope_for(school), start, end)
    assert (split.first_block, split.last_block) == (block, block + datetime.timedelta(weeks=4))
    rows = selectors.scope_per_pupil(selectors.scope_for(school), start, end)
    assert (rows[0]["possible"], rows[0]["authorised"]) == (100, 50)


def test_the_command_reports_drift_and_rebuilds_it_away():
    from django.core.management import CommandError, call_command

    pupil = PupilFactory()
    marks(pupil, ["/", "I"])
    call_command("attendance_rollup", "--check", stdout=io.StringIO())
    AttendanceRollup.objects.filter(pupil=pupil).delete()
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 roll-up row"):
        call_command("attendance_rollup", "--check", stdout=out)
    assert f"pupil {pupil.pk}, week from {MONDAY}" in out.getvalue()
    call_command("attendance_rollup", "--rebuild", "--organisation", pupil.organisation.slug, stdout=out)
    assert rollup.differences() == []


def test_a_page_of_the_list_is_the_same_rows_in_the_same_order_as_the_whole_list():
    school = OrganisationFactory()
    rng = random.Random(11)
    for _ in range(23):
        marks(
            PupilFactory(organisation=school), [rng.choice(["/", "/", "/", "I", "N", "D"]) for _ in range(20)]
        )
    mark(PupilFactory(organisation=school), MONDAY, "AM", "I")  # 100% absent
    scope = selectors.scope_for(school)
    end = MONDAY + datetime.timedelta(days=30)
    for threshold in ("", "persistent", "severe"):
        whole = selectors.scope_per_pupil(scope, MONDAY, end, threshold=threshold)
        paged = []
        for offset in range(0, len(whole) + 7, 7):
            rows, total = selectors.scope_per_pupil_page(
                scope, MONDAY, end, threshold=threshold, offset=offset, limit=7
            )
            assert total == len(whole)
            paged += rows
        assert paged == whole, threshold


def test_the_dashboard_headline_is_the_whole_list_summed_counted_and_cut_to_the_worst():
    school = OrganisationFactory()
    rng = random.Random(5)
    for _ in range(27):
        marks(
            PupilFactory(organisation=school),
            [rng.choice(["/", "/", "/", "/", "I", "N", "L"]) for _ in range(16)],
        )
    mark(PupilFactory(organisation=school), MONDAY, "AM", "I")  # 100% absent: the worst
    scope = selectors.scope_for(school)
    end = MONDAY + datetime.timedelta(days=30)
    whole = selectors.scope_per_pupil(scope, MONDAY, end)
    for worst in (1, 20, 40):
        headline = selectors.scope_headline(scope, MONDAY, end, worst=worst)
        assert headline["pupils"] == len(whole) == 28
        assert headline["totals"] == selectors.totals_of(whole)
        assert headline["persistent"] == sum(1 for r in whole if r["is_persistent"])
        assert headline["severe"] == sum(1 for r in whole if r["is_severe"])
        assert headline["worst"] == whole[:worst]


def test_the_headline_of_a_scope_without_marks_is_empty():
    headline = selectors.scope_headline(selectors.scope_for(OrganisationFactory()), MONDAY, MONDAY)
    assert (headline["pupils"], headline["persistent"], headline["severe"], headline["worst"]) == (
        0,
        0,
        0,
        [],
    )
    assert headline["totals"]["possible"] == 0
