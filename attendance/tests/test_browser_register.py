"""In a real browser: a tutor takes the register with the keyboard alone; the officer sees it leave "not taken"."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from attendance.models import AttendanceMark, AttendanceSettings
from attendance.selectors import current_session
from core.testing.browser import axe_check, sign_in, visit
from core.testing.clock import fixed_clock, weekday_on_or_before
from core.testing.personas import build_school_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_it_lets_a_tutor_take_a_register_by_keyboard_and_the_officer_see_it_taken(
    page, live_server, monkeypatch
):
    # Today's registers are due only on a school day, and the register must open and close within the day: half
    # past ten on today (or the Friday before a weekend), whatever time the suite runs (at midnight "five minutes
    # ago" is yesterday).
    day = weekday_on_or_before(timezone.localdate())
    fixed_clock(monkeypatch, timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 30))))
    world = build_school_world()
    now = timezone.localtime()
    opens = (now - datetime.timedelta(minutes=5)).time().replace(second=0, microsecond=0)
    AttendanceSettings.objects.create(organisation=world.school, am_starts_at=opens, open_minutes=30)
    today, session = timezone.localdate(), current_session(world.school)
    not_taken = f"{live_server.url}/attendance/not-taken/?date={today:%Y-%m-%d}&session={session}"

    sign_in(page, live_server.url, world.attendance_officer)
    visit(page, not_taken)
    table = page.locator("#not-taken")
    assert table.get_by_role("rowheader", name="9A").count() == 1

    _sign_out(page)
    sign_in(page, live_server.url, world.tutor)
    visit(page, f"{live_server.url}/attendance/")
    page.get_by_role("link", name=f"Take 9A {'morning' if session == 'AM' else 'afternoon'} register").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_role("button", name="All present").focus()
    page.keyboard.press("Enter")  # fills every blank with present and moves to the first pupil
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Mark for Alice Archer"
    page.keyboard.press("ArrowDown")  # to Ben
    page.keyboard.press("l")  # late: focus jumps to the minutes
    page.keyboard.type("7")
    page.keyboard.press("Enter")  # past the last pupil: focus on Save
    assert page.evaluate("document.activeElement.textContent").strip() == "Save register"
    page.keyboard.press("Enter")
    page.get_by_text("register saved").wait_for()
    axe_check(page)
    present = "/" if session == "AM" else "\\"
    marks = dict(
        AttendanceMark.objects.filter(date=today, session=session).values_list(
            "pupil__legal_first_name", "code"
        )
    )
    assert marks == {"Alice": present, "Ben": "L"}
    assert AttendanceMark.objects.get(pupil=world.ben, date=today, session=session).minutes_late == 7
    # The save answered with the status only (nothing to re-render); the page's marks are now the starting
    # point, so changing Alice and saving again is a correction, not a conflict with the first save.
    assert page.locator("#register-status").get_by_text("Taken").count() == 1
    page.get_by_label("Mark for Alice Archer").focus()
    page.keyboard.press("i")
    page.keyboard.press("Control+Enter")
    page.get_by_text("0 new, 1 changed").wait_for()
    assert page.get_by_text("changed by someone else").count() == 0
    assert AttendanceMark.objects.get(pupil=world.alice, date=today, session=session).code == "I"
    axe_check(page)

    _sign_out(page)
    sign_in(page, live_server.url, world.attendance_officer)
    visit(page, not_taken)
    assert page.locator("#not-taken").get_by_role("rowheader", name="9A").count() == 0
    assert page.locator("#not-taken").get_by_role("rowheader", name="9B").count() == 1
