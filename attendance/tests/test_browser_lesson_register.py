"""In a real browser, keyboard only: a tutor opens and takes a lesson register; the office sees the pupil who
was registered present but missed the lesson on the post-registration truancy list."""

from __future__ import annotations

import pytest
from django.utils import timezone

from attendance.models import LessonMark
from attendance.selectors import current_session
from attendance.tests.helpers import mark
from core.testing.browser import axe_check, sign_in, visit
from core.testing.personas import build_school_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_it_lets_a_tutor_take_a_lesson_register_by_keyboard_and_the_office_see_the_truant(page, live_server):
    world = build_school_world()
    today, session = timezone.localdate(), current_session(world.school)
    present = "/" if session == "AM" else "\\"
    mark(world.alice, today, session, present)
    mark(world.ben, today, session, present)

    sign_in(page, live_server.url, world.tutor)
    visit(page, f"{live_server.url}/attendance/lessons/")
    page.get_by_label("Lesson or period").focus()
    page.keyboard.type("P3 Maths")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the group (9A), today and this session are already chosen
    page.wait_for_load_state()
    assert "P3 Maths lesson register" in page.title()
    axe_check(page)
    page.get_by_role("button", name="All present").focus()
    page.keyboard.press("Enter")  # every blank present, focus on the first pupil
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Mark for Alice Archer"
    page.keyboard.press("ArrowDown")  # to Ben
    page.keyboard.press("n")  # absent: moves past the last pupil to Save
    assert page.evaluate("document.activeElement.textContent").strip() == "Save register"
    page.keyboard.press("Enter")
    page.get_by_text("P3 Maths register saved").wait_for()
    axe_check(page)
    assert dict(LessonMark.objects.values_list("pupil__legal_first_name", "code")) == {
        "Alice": present,
        "Ben": "N",
    }

    _sign_out(page)
    sign_in(page, live_server.url, world.attendance_officer)
    visit(page, f"{live_server.url}/attendance/truancy/")
    table = page.locator("#truancy")
    assert table.get_by_role("rowheader", name="Ben Baker").count() == 1
    assert table.get_by_role("rowheader", name="Alice Archer").count() == 0
    table.get_by_role("link", name="Ben Baker").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/attendance/pupil/{world.ben.pk}/" in page.url
    axe_check(page)
