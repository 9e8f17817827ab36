"""A Pastoral Support Programme from opening to a successful final meeting, in Chromium, axe-core on every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.testing.browser import axe_check, sign_in, visit
from core.testing.personas import build_school_world
from support_plans.models import Party, SupportPlan

pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.django_db(transaction=True)]


def _submit(page, name="Save"):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()
    axe_check(page)


def _guest(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15000)
    return context, context.new_page()


def test_it_runs_a_psp_from_opening_to_a_successful_final_meeting(page, live_server, chromium):
    world = build_school_world()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.head_of_year9, name="phone", confirmed=True)
    base = live_server.url
    sign_in(page, base, world.head_of_year9)
    plan, plan_url = _open(page, base, world)
    guest_context, guest = _guest(chromium, live_server)
    _assess(page, guest, plan, plan_url)
    _plan_target_and_rewards(page, plan_url)
    _initial_meeting_and_signatures(page, guest, plan)
    guest_context.close()
    _reviews_and_final_meeting(page, plan, plan_url)
    _outcome(page, base, world, plan, plan_url)


def _open(page, base, world):
    """Opening the programme for Alice."""
    visit(page, f"{base}/support-plans/")
    page.get_by_role("link", name="Open a programme").click()
    page.wait_for_load_state()
    axe_check(page)
    page.locator("#id_pupil").select_option(str(world.alice.pk))
    page.locator("#id_reason").fill("Two suspensions this term; at risk of permanent exclusion.")
    page.locator("#id_relation").select_option("alongside_iep")
    _submit(page, "Open the programme")
    plan = SupportPlan.objects.filter(pupil=world.alice).first()
    assert plan is not None, page.locator("main").inner_text()
    plan_url = f"{base}/support-plans/{plan.pk}/"
    assert page.url == plan_url
    return plan, plan_url


def _assess(page, guest, plan, plan_url):
    """Assess: a parent questionnaire completed through its secure link."""
    mother = plan.parties.get(kind=Party.Kind.PARENT)
    page.get_by_role("link", name="Add a questionnaire").click()
    page.wait_for_load_state()
    axe_check(page)
    page.locator("#id_kind").select_option("parent")
    page.locator("#id_party").select_option(str(mother.pk))
    _submit(page)
    _submit(page, "Make a link to send yourself")
    link = page.locator("#secure-link").inner_text().strip()
    visit(guest, link)
    guest.get_by_label("What are your child's strengths and interests?").fill(
        "Loves football and is kind to her brother"
    )
    guest.get_by_label("What could you do at home to support the plan?").fill(
        "Check the report card every evening"
    )
    _submit(guest, "Send my answers")
    assert "Your answers have been sent" in guest.content()
    visit(page, plan_url)
    assert "Completed" in page.content()


def _plan_target_and_rewards(page, plan_url):
    """Plan: a SMART target (first refused for its missing baseline), rewards."""
    page.get_by_role("link", name="Add a SMART target").click()
    page.wait_for_load_state()
    due = (timezone.localdate() + datetime.timedelta(weeks=4)).isoformat()
    page.locator("#id_specific").fill("Stay in every lesson without walking out")
    page.locator("#id_measure").fill("Walk-outs on the daily report card")
    page.locator("#id_achievable").fill("Alice already stays in maths and PE")
    page.locator("#id_result").fill("Learns in every lesson; no more suspensions")
    page.locator("#id_due_on").fill(due)
    page.locator("#id_support").fill("Time-out card agreed with teachers")
    page.locator("#id_support_by").select_option("school")
    page.locator("#id_recognition").fill("Phone call home on Fridays")
    _submit(page)
    assert "measurable — give the baseline to measure from" in page.content()
    page.locator("#id_baseline").fill("4 walk-outs a week")
    _submit(page)
    assert page.url == plan_url
    page.get_by_role("link", name="Edit rewards and consequences").click()
    page.wait_for_load_state()
    page.locator("#id_rewards").fill("Extra football session")
    page.locator("#id_consequences").fill("Missed break with the head of year")
    _submit(page)


def _initial_meeting_and_signatures(page, guest, plan):
    """Initial meeting, then everyone signs: on screen, and the parent by link."""
    mother = plan.parties.get(kind=Party.Kind.PARENT)
    page.get_by_role("link", name="Record the initial meeting").click()
    page.wait_for_load_state()
    axe_check(page)
    page.locator("#id_summary").fill("Target agreed with Alice and her mother.")
    _submit(page)
    assert "Do and review" in page.content()
    for party in plan.parties.exclude(pk=mother.pk):
        page.get_by_role("link", name="Sign on screen").click()
        page.wait_for_load_state()
        axe_check(page)
        page.locator("#id_party").select_option(str(party.pk))
        page.locator("#id_signed_name").fill(party.name)
        page.locator("#id_confirm").check()
        _submit(page, "Sign")
    page.get_by_role("button", name=f"Make a signing link for {mother.name}").click()
    page.wait_for_load_state()
    axe_check(page)
    sign_link = page.locator("#secure-link").inner_text().strip()
    visit(guest, sign_link)
    guest.locator("#id_signed_name").fill(mother.name)
    guest.locator("#id_confirm").check()
    _submit(guest, "Sign")
    assert "Your signature has been recorded" in guest.content()
    assert plan.signatures.count() == plan.parties.count()


def _reviews_and_final_meeting(page, plan, plan_url):
    """Two reviews (the target revised at the first), then the final meeting."""
    target = plan.targets.get()
    for week in (4, 8):
        visit(page, plan_url)
        page.get_by_role("link", name="Record a review meeting").click()
        page.wait_for_load_state()
        axe_check(page)
        page.locator("#id_week").select_option(str(week))
        page.locator("#id_summary").fill(f"{week}-week review: walk-outs falling.")
        page.locator("#id_commitments_review").fill(
            "Tutor checked the card daily; mother checked it each evening."
        )
        page.locator(f"#id_progress_{target.pk}").select_option("met")
        _submit(page)
        if week == 4:
            page.get_by_role("link", name="Revise target 1").click()
            page.wait_for_load_state()
            axe_check(page)
            page.locator("#id_specific").fill("Stay in every lesson and start work within five minutes")
            page.locator("#id_baseline").fill("1 walk-out a week")
            page.locator("#id_reason").fill("Met at the 4-week review: more challenging")
            _submit(page)
    assert target.revisions.count() == 2
    page.get_by_role("link", name="Record the final meeting").click()
    page.wait_for_load_state()
    page.locator("#id_summary").fill("No walk-outs for four weeks.")
    page.locator(f"#id_progress_{target.pk}").select_option("met")
    _submit(page)


def _outcome(page, base, world, plan, plan_url):
    """Outcome: judged successful on the evidence."""
    page.get_by_role("link", name="Record the final evaluation and close").click()
    page.wait_for_load_state()
    axe_check(page)
    page.locator("#id_outcome").select_option("successful")
    page.locator("#id_evaluation").fill("Target met and sustained; no suspensions during the programme.")
    page.locator("#id_continued_monitoring").fill("Tutor checks in weekly until Easter.")
    _submit(page, "Close the programme")
    plan.refresh_from_db()
    assert plan.status == "closed" and plan.outcome == "successful"
    assert "Successful" in page.content()
    pdf = page.request.get(f"{plan_url}plan.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    visit(page, f"{base}/support-plans/?status=closed")
    assert page.locator("#psp-outcomes").count() == 1
    visit(page, f"{base}/pupils/{world.alice.pk}/")
    assert "Pastoral Support Programmes" in page.content()
