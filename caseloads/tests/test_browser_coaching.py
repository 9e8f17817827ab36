"""Coaching, the listening service, passports and the parents' evening list in Chromium: axe-core on every page,
each form filled by keyboard alone."""

from __future__ import annotations

import pytest

from caseloads.models import CoachingSession, ListeningNote, PassportCompletion
from caseloads.services import passports
from core.testing.browser import axe_check, sign_in, visit
from core.testing.personas import build_school_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _press(page, name):
    page.get_by_role("button", name=name, exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    axe_check(page)


def test_a_pal_coaches_listens_and_ticks_a_passport_by_keyboard(page, live_server):
    world = build_school_world()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.pal, name="phone", confirmed=True)
    passport = passports.passport_save(
        actor=world.senior, organisation=world.school, name="Employability Seal"
    )
    item = passports.passport_item_add(actor=world.senior, passport=passport, title="CV written")
    base = live_server.url
    sign_in(page, base, world.pal)

    # Coaching: the date is filled in; choose the focus, type the outcome.
    visit(page, f"{base}/caseloads/student/{world.alice.pk}/coaching/")
    page.locator("#id_focus").focus()
    page.keyboard.press("ArrowDown")
    page.locator("#id_outcome").focus()
    page.keyboard.type("Agreed an earlier bus")
    _press(page, "Record the session")
    assert CoachingSession.objects.get().outcome == "Agreed an earlier bus"

    # A listening note.
    visit(page, f"{base}/caseloads/student/{world.alice.pk}/listening/")
    page.locator("#id_said").focus()
    page.keyboard.type("I can't sleep at home.")
    _press(page, "Save the note")
    note = ListeningNote.objects.get()
    visit(page, f"{base}/caseloads/listening/{note.pk}/pass/")

    # A passport item: the date is filled in; type the evidence and press Enter.
    visit(page, f"{base}/caseloads/student/{world.alice.pk}/passports/")
    page.locator(f"#id_i{item.pk}-evidence").focus()
    page.keyboard.type("CV seen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert PassportCompletion.objects.get().evidence == "CV seen"

    for path in (
        f"/caseloads/student/{world.alice.pk}/",
        f"/caseloads/student/{world.alice.pk}/passports/",
        f"/caseloads/student/{world.alice.pk}/progression/",
        "/caseloads/coaching/",
        "/caseloads/listening/",
        "/caseloads/passports/completion/",
        f"/caseloads/groups/{world.group_9a.pk}/parents-evening/",
    ):
        visit(page, base + path)
