"""The PAL's day in Chromium, axe-core on every page, every form filled by keyboard alone: plan and record a group
session, complete an LPR with two targets, sign it off, and see the caseload's LPR completion move."""

from __future__ import annotations

import pytest
from django.utils import timezone

from caseloads import services
from caseloads.models import GroupSession, Review, SessionAttendance, Topic
from core.testing.browser import axe_check, sign_in, visit
from core.testing.personas import build_school_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _press(page, name):
    """Focus a button by keyboard (Tab order, no pointer) and press Enter."""
    page.get_by_role("button", name=name, exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    axe_check(page)


def _type_into(page, selector, text):
    page.locator(selector).focus()
    page.keyboard.type(text)


def _target(page, n):
    _type_into(page, "#id_target-specific", f"Target {n}: arrive before 8:45 every day")
    for text in (
        "Late marks on the register",
        "Late to 6 sessions last half term",
    ):
        page.keyboard.press("Tab")
        page.keyboard.type(text)
    page.keyboard.press("Tab")
    page.keyboard.type("Takes the earlier bus with a friend")
    page.keyboard.press("Tab")
    page.keyboard.type("Hears the start of every lesson")
    page.keyboard.press("Tab")
    page.keyboard.type("12022027")  # dd mm yyyy in an en-GB date field
    _press(page, "Add the target")


def test_it_runs_a_pals_session_and_review_by_keyboard(page, live_server):
    world = build_school_world()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.pal, name="phone", confirmed=True)
    today = timezone.localdate()
    Topic.objects.create(
        organisation=world.school, academic_year=services.academic_year_for(today), term=1, title="Wellbeing"
    )
    base = live_server.url
    sign_in(page, base, world.pal)
    visit(page, f"{base}/caseloads/")
    assert "0% signed off (0 of 3)" in page.locator("main").inner_text()

    # Plan today's session for 9A: the date and times are filled in; choose the topic and a room.
    visit(page, f"{base}/caseloads/groups/{world.group_9a.pk}/")
    page.get_by_role("link", name="Plan a session").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    axe_check(page)
    _type_into(page, "#id_room", "B12")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # the first topic of the programme
    _press(page, "Plan the session")
    session = GroupSession.objects.get(group=world.group_9a)
    assert (session.date, session.room, session.topic.title) == (today, "B12", "Wellbeing")

    # Record it: everyone is ticked; untick Ben with the space bar.
    visit(page, f"{base}/caseloads/sessions/{session.pk}/record/")
    page.locator(f"#id_attended_{world.ben.pk}").focus()
    page.keyboard.press("Space")
    _type_into(page, "#id_notes", "Revision timetables")
    _press(page, "Save the session")
    session.refresh_from_db()
    assert session.status == GroupSession.Status.DELIVERED
    attended = dict(
        SessionAttendance.objects.filter(session=session).values_list("pupil__legal_first_name", "attended")
    )
    assert attended == {"Alice": True, "Ben": False}

    # Alice's LPR: start it, two SMART targets, the review itself, sign-off.
    visit(page, f"{base}/caseloads/student/{world.alice.pk}/")
    _press(page, "Start the review")
    review = Review.objects.get(pupil=world.alice)
    _target(page, 1)
    _target(page, 2)
    assert review.targets.count() == 2, page.locator("main").inner_text()
    _type_into(page, "#id_student_voice", "The bus is the hard part")
    page.keyboard.press("Tab")
    page.keyboard.type("Improving since half term")
    page.keyboard.press("Tab")
    page.keyboard.type("m")  # Medium
    _press(page, "Save the review")
    _press(page, "Sign off the review")
    review.refresh_from_db()
    assert review.is_locked and review.risk == "medium"
    assert "Signed off" in page.locator("main").inner_text()

    visit(page, f"{base}/caseloads/")
    assert "33% signed off (1 of 3)" in page.locator("main").inner_text()
    visit(page, f"{base}/caseloads/reviews/completion/")
    visit(page, f"{base}/caseloads/sessions/")
    visit(page, f"{base}/caseloads/student/{world.alice.pk}/")
