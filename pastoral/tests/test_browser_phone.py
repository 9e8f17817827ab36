"""On a phone (390 × 844): the navigation folds behind a Menu button, a tutor takes a register, and the main lists
fit the screen with no sideways scrolling and touch targets of at least 44 px; a wide screen keeps its layout."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from attendance.models import AttendanceMark
from behaviour.models import BehaviourCategory
from behaviour.services import incident_create
from core.testing.browser import axe_check, sign_in, visit
from core.testing.factories import (
    TEST_PASSWORD,
    AcademicYearFactory,
    GroupMembershipFactory,
    PupilFactory,
    TermFactory,
)
from core.testing.personas import build_school_world
from support_plans.services import plan_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TOUCH = 44  # px: the smallest touch target we allow


def _wednesday_last_week() -> datetime.date:
    """A school day in the past whatever day the test runs (registers cannot be taken for future days)."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday() + 5)


def _term_around(school, day: datetime.date) -> None:
    """Term dates covering `day`, so it is a school day by the calendar too."""
    start_year = day.year if day.month >= 9 else day.year - 1
    year = AcademicYearFactory(
        name=f"{start_year}-{(start_year + 1) % 100:02d}",
        starts_on=datetime.date(start_year, 9, 1),
        ends_on=datetime.date(start_year + 1, 8, 31),
    )
    TermFactory(
        organisation=school,
        academic_year=year,
        starts_on=day - datetime.timedelta(days=14),
        ends_on=day + datetime.timedelta(days=14),
    )


def _long_named_pupil(world, group):
    pupil = PupilFactory(
        organisation=world.school,
        legal_first_name="Maximiliana-Josephine",
        legal_last_name="Featherstonehaugh-Worthington",
        year_group=9,
    )
    GroupMembershipFactory(group=group, pupil=pupil)
    return pupil


def _assert_fits(page) -> None:
    """Nothing on the page makes it scroll sideways."""
    width = page.evaluate("window.innerWidth")
    assert width == PHONE["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide on a {width}px screen"


def _assert_on_screen(locator, what: str, min_height: int | None = None) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not shown"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{what} runs off the screen: {box}"
    if min_height is not None:
        assert box["height"] >= min_height, f"{what} is {box['height']}px tall"


def _menu_button_state(page) -> tuple[str, bool]:
    """What Chromium tells a screen reader about the Menu button: its role and whether it is expanded."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    for node in nodes:
        if node.get("name", {}).get("value") == "Menu" and not node.get("ignored"):
            props = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
            return node["role"]["value"], bool(props.get("expanded"))
    raise AssertionError("no Menu button in the accessibility tree")


def test_it_lets_a_tutor_take_a_register_on_a_phone(page, live_server):
    """The tutor opens the menu by keyboard, goes to the registers, marks every pupil and saves, on a phone."""
    world = build_school_world()
    maximiliana = _long_named_pupil(world, world.group_9a)
    day = _wednesday_last_week()
    _term_around(world.school, day)
    page.set_viewport_size(PHONE)

    sign_in(page, live_server.url, world.tutor)
    _assert_fits(page)
    menu = page.locator("nav.main-nav summary")
    registers_link = page.get_by_role("link", name="Registers", exact=True)
    assert menu.inner_text().strip() == "Menu"
    assert not registers_link.is_visible(), "the navigation should fold behind the Menu button"
    _assert_on_screen(menu, "the Menu button", TOUCH)
    assert _menu_button_state(page) == ("DisclosureTriangle", False)  # "Menu, button, collapsed"
    menu.focus()
    page.keyboard.press("Enter")
    assert _menu_button_state(page) == ("DisclosureTriangle", True)
    _assert_on_screen(registers_link, "the Registers link", TOUCH)
    axe_check(page)
    registers_link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="My registers").is_visible()
    assert not registers_link.is_visible(), "the menu starts folded on every page"
    axe_check(page)
    _assert_fits(page)

    visit(page, f"{live_server.url}/attendance/register/{world.group_9a.pk}/?date={day:%Y-%m-%d}&session=AM")
    _assert_fits(page)
    selects = page.locator("select[data-code]")
    assert selects.count() == 3
    for i in range(selects.count()):
        _assert_on_screen(selects.nth(i), f"mark select {i + 1}", TOUCH)
    save = page.get_by_role("button", name="Save register")
    _assert_on_screen(save, "the Save button", TOUCH)
    _assert_on_screen(page.get_by_role("button", name="All present"), "the All present button", TOUCH)
    _assert_on_screen(page.get_by_label("Minutes late for Ben Baker"), "a minutes-late box", TOUCH)

    page.get_by_label("Mark for Alice Archer").select_option("/")
    page.get_by_label("Mark for Ben Baker").select_option("N")
    page.get_by_label(f"Mark for {maximiliana.display_name}").select_option("I")
    save.click()
    page.get_by_text("register saved").wait_for()
    axe_check(page)
    _assert_fits(page)
    marks = dict(
        AttendanceMark.objects.filter(date=day, session="AM").values_list("pupil__legal_first_name", "code")
    )
    assert marks == {"Alice": "/", "Ben": "N", "Maximiliana-Josephine": "I"}


def test_it_fits_the_main_lists_on_a_phone_and_keeps_the_wide_layout(page, live_server):
    """The pupil, behaviour and support-plan lists fit a phone as cards; on a wide screen the navigation shows."""
    world = build_school_world()
    maximiliana = _long_named_pupil(world, world.group_9a)
    TOTPDevice.objects.create(user=world.head_of_year9, name="phone", confirmed=True)
    category = BehaviourCategory.objects.filter(organisation=world.school, kind="negative").first()
    for pupils in ([world.alice, world.ben, maximiliana], [maximiliana]):
        incident_create(
            actor=world.tutor,
            organisation=world.school,
            pupils=pupils,
            kind="negative",
            category=category,
            severity=3,
            occurred_at=timezone.now() - datetime.timedelta(days=1),
            place="classroom",
            lesson="P2 Mathematics with the whole of Year 9 in the sports hall",
            staff=world.tutor,
            description="Refused to move seats; shouted at the teacher.",
        )
    plan_open(
        actor=world.head_of_year9,
        pupil=maximiliana,
        coordinator=world.head_of_year9,
        reason="Two suspensions this term; at risk of permanent exclusion.",
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, world.head_of_year9)

    for path, row_text in [
        ("/pupils/", "Featherstonehaugh-Worthington"),
        ("/behaviour/", "Maximiliana"),
        ("/support-plans/", "Maximiliana"),
    ]:
        visit(page, f"{live_server.url}{path}")
        _assert_fits(page)
        table = page.locator("main table").first
        _assert_on_screen(table, f"the list on {path}")
        row = table.locator("tbody tr", has_text=row_text).first
        _assert_on_screen(row, f"a row of the list on {path}")
        # Too wide for a phone as a table, so each row is a card whose cells carry their column headings.
        assert "table--cards" in (table.get_attribute("class") or ""), path
        assert row.locator("td[data-label]").count() >= 2, path

    page.set_viewport_size({"width": 1280, "height": 800})
    visit(page, f"{live_server.url}/behaviour/")
    assert not page.locator("nav.main-nav summary").is_visible()
    assert page.get_by_role("link", name="Pupils", exact=True).is_visible()
    assert "table--cards" not in (page.locator("main table").first.get_attribute("class") or "")


def test_it_opens_the_menu_without_javascript(chromium, live_server):
    """With JavaScript off the Menu button still opens the navigation on a phone."""
    world = build_school_world()
    context = chromium.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
        java_script_enabled=False,
        viewport=PHONE,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        # Not sign_in(): axe-core needs JavaScript. The tutor needs no second factor.
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address").fill(world.tutor.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        registers_link = page.get_by_role("link", name="Registers", exact=True)
        assert not registers_link.is_visible()
        page.locator("nav.main-nav summary").click()
        assert registers_link.is_visible()
        with page.expect_navigation():
            registers_link.click()
        assert page.get_by_role("heading", name="My registers").is_visible()
        _assert_fits(page)
    finally:
        context.close()
