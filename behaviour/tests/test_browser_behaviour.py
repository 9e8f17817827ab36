"""Every behaviour page and the remaining PSP pages pass axe-core; an incident is recorded through the form."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from behaviour import services
from behaviour.models import BehaviourCategory, Incident
from core.testing.browser import axe_check, sign_in, visit
from core.testing.personas import build_school_world
from support_plans import services as psp
from support_plans.tests.helpers import started_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_records_an_incident_and_every_page_passes_axe(page, live_server):
    world = build_school_world()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.head_of_year9, name="phone", confirmed=True)
    base = live_server.url
    sign_in(page, base, world.head_of_year9)
    _record_an_incident(page, base, world)
    for path in _pages_of_records(world):
        visit(page, f"{base}{path}")
    assert "may be failing" in page.content()
    _categories_kept_by_a_senior_leader(page, base, world)


def _record_an_incident(page, base, world):
    """The head of year records an incident for two pupils through the form."""
    visit(page, f"{base}/behaviour/")
    page.get_by_role("link", name="Record an incident").click()
    page.wait_for_load_state()
    axe_check(page)
    page.locator("#id_pupils").select_option([str(world.alice.pk), str(world.ben.pk)])
    page.locator("#id_kind").select_option("negative")
    page.locator("#id_category").select_option(label="Disruption to learning (negative)")
    page.locator("#id_place").select_option("classroom")
    page.locator("#id_lesson").fill("P2 Maths")
    page.locator("#id_description").fill("Throwing paper across the room")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    axe_check(page)
    assert Incident.objects.get().pupils.count() == 2


def _pages_of_records(world):
    """A report card with scores, a suspension, a started PSP with a questionnaire and an alert: their pages."""
    card = services.report_card_create(
        actor=world.tutor,
        pupil=world.alice,
        frequency="daily",
        key_staff=world.tutor,
        targets=["Be on time", "Stay in the lesson"],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    services.report_scores_record(
        actor=world.tutor, card=card, date=timezone.localdate(), lesson="P1", scores={0: 2, 1: 3}
    )
    suspension = services.suspension_create(
        actor=world.head_of_year9,
        pupil=world.alice,
        kind="suspension",
        # This week's Monday: a school day on or before today, whatever day the test runs.
        starts_on=timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday()),
        ends_on=timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday()),
        sessions=2,
        reason="persistent",
        details="Persistent disruption",
        parents_informed=True,
    )
    plan = started_plan(world)
    q = psp.questionnaire_create(
        actor=world.head_of_year9, plan=plan, kind="pupil_primary", respondent="Alice"
    )
    alert = plan.alerts.create(organisation=world.school, reason="report card averaged 20%")
    return [
        f"/behaviour/pupils/{world.alice.pk}/",
        f"/behaviour/report-cards/{card.pk}/",
        f"/behaviour/report-cards/{card.pk}/record/",
        f"/behaviour/pupils/{world.alice.pk}/report-cards/new/",
        f"/behaviour/pupils/{world.alice.pk}/suspensions/new/",
        f"/behaviour/suspensions/{suspension.pk}/",
        f"/behaviour/suspensions/{suspension.pk}/edit/",
        f"/behaviour/suspensions/{suspension.pk}/withdraw/",
        f"/pupils/{world.alice.pk}/",
        "/",
        f"/support-plans/{plan.pk}/pack/",
        f"/support-plans/{plan.pk}/assessments/",
        f"/support-plans/{plan.pk}/parties/new/",
        f"/support-plans/{plan.pk}/monitoring/",
        f"/support-plans/{plan.pk}/edit/",
        f"/support-plans/questionnaires/{q.pk}/paper/",
        f"/support-plans/questionnaires/{q.pk}/",
        f"/support-plans/questionnaires/{q.pk}/email/",
        f"/support-plans/alerts/{alert.pk}/",
        f"/support-plans/{plan.pk}/",
        "/support-plans/",
    ]


def _categories_kept_by_a_senior_leader(page, base, world):
    """The school's categories, kept by a senior leader."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.context.clear_cookies()
    TOTPDevice.objects.create(user=world.senior, name="phone", confirmed=True)
    sign_in(page, base, world.senior)
    unused = BehaviourCategory.objects.get(organisation=world.school, code="phone")
    for path in ["/behaviour/", "/behaviour/categories/", f"/behaviour/categories/{unused.pk}/edit/"]:
        visit(page, f"{base}{path}")
    visit(page, f"{base}/behaviour/categories/{unused.pk}/delete/")
    assert "No entry uses it" in page.content()
