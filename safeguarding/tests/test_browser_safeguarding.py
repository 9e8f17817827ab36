"""In a real browser: a tutor logs a concern on a phone-sized screen; the DSL triages it after stepping up; the tutor
sees it was received but is refused the chronology. The DSL also refers the child to CAMHS from the concern."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.testing.browser import axe_check, sign_in, visit
from core.testing.personas import build_school_world
from safeguarding.models import Concern, Decision, Referral

from .helpers import agency

pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.django_db(transaction=True)]


def _sign_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def _code(user):
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _tutor_logs_a_concern(page, base, world):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, base, world.tutor)
    visit(page, f"{base}/pupils/{world.alice.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Log a safeguarding concern").click()
    axe_check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Category").select_option("neglect")
    page.get_by_label("Where").fill("Form room")
    page.get_by_label("What you saw or heard").fill("Came in hungry and without a coat.")
    page.get_by_label("The child's own words, exactly as said").fill("There's no food at home.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send to the safeguarding team").click()
    axe_check(page)
    page.get_by_text("Received by the safeguarding team").wait_for()


def _refer_to_camhs(page, world):
    """From the concern, the DSL refers Alice to CAMHS; the referral shows when its answer is due."""
    with page.expect_navigation():
        page.get_by_role("link", name="Make a referral from this concern").click()
    axe_check(page)
    page.get_by_label("Agency").select_option(label="CAMHS")
    page.get_by_label("Why the child is referred").fill("Low mood alongside the neglect; needs assessment.")
    page.locator("#id_consent").select_option("given")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the referral").click()
    axe_check(page)
    page.get_by_text("Answer expected by").wait_for()
    referral = Referral.objects.get()
    assert (referral.agency.kind, referral.concern_id) == ("camhs", Concern.objects.get().pk)


def test_it_takes_a_concern_from_a_phone_to_a_decision(page, live_server):
    world = build_school_world()
    agency(world.school)
    TOTPDevice.objects.create(user=world.dsl, name="phone", confirmed=True)  # set up from an enrolment link
    base = live_server.url
    _tutor_logs_a_concern(page, base, world)
    concern = Concern.objects.get()
    _sign_out(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, world.dsl)
    visit(page, f"{base}/safeguarding/")
    with page.expect_navigation():
        page.locator("#sg-queue").get_by_role("link", name="Alice").click()
    assert "/safeguarding/step-up/" in page.url
    axe_check(page)
    page.wait_for_timeout(1000)  # the sign-in code was used: a TOTP code is single-use, so wait for a new one
    code = _code(world.dsl)
    page.get_by_label("Six-digit code from your authenticator app").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    if "/step-up/" in page.url:  # same 30-second step as the sign-in code: the next step's code is fresh
        page.wait_for_timeout(31000)
        page.get_by_label("Six-digit code from your authenticator app").fill(_code(world.dsl))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    assert page.url.endswith(f"/safeguarding/concerns/{concern.pk}/")
    axe_check(page)
    page.get_by_label("Outcome").select_option("social_care")
    page.get_by_label("The reason for this decision").fill(
        "Food poverty; referral to children's social care."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    axe_check(page)
    page.get_by_text("Decision recorded").wait_for()
    assert Decision.objects.get().reason == "Food poverty; referral to children's social care."
    _refer_to_camhs(page, world)
    _sign_out(page)

    sign_in(page, base, world.tutor)
    visit(page, f"{base}/safeguarding/mine/")
    page.get_by_text("Reviewed by the safeguarding team").wait_for()
    response = page.goto(f"{base}/safeguarding/pupils/{world.alice.pk}/")
    assert response is not None and response.status == 403
