"""A coordinator arranges a review and sends the invitations; the parent follows the plan from home and sees the
weekly scores. In Chromium, axe-core on every page."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from behaviour.services import report_scores_record
from core.testing.browser import axe_check, sign_in, visit
from core.testing.personas import build_school_world
from support_plans import services
from support_plans.models import Party, PlannedMeeting
from support_plans.tests.helpers import started_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(page, role, name):
    page.get_by_role(role, name=name, exact=True).click()
    page.wait_for_load_state()
    axe_check(page)


def test_a_coordinator_invites_to_a_review_and_the_parent_sees_the_scores_from_home(
    page, live_server, chromium
):
    world = build_school_world()
    hoy = world.head_of_year9
    TOTPDevice.objects.create(user=hoy, name="phone", confirmed=True)
    plan = services.monitoring_set(actor=hoy, plan=started_plan(world), frequency="daily", staff=world.tutor)
    card = plan.report_card
    first = card.starts_on + datetime.timedelta(days=card.starts_on.weekday() == 6)  # two days of one week
    for offset, score in ((0, 3), (1, 1)):
        day = first + datetime.timedelta(days=offset)
        report_scores_record(actor=world.tutor, card=card, date=day, lesson="P1", scores={0: score})
    mother = plan.parties.get(kind=Party.Kind.PARENT)
    base = live_server.url
    sign_in(page, base, hoy)

    visit(page, f"{base}/support-plans/{plan.pk}/")
    _click(page, "link", "Arrange a meeting")
    when = timezone.localdate() + datetime.timedelta(days=7)
    page.locator("#id_kind").select_option("review")
    page.locator("#id_week").select_option("4")
    page.locator("#id_starts_at").fill(f"{when.isoformat()}T15:30")
    page.locator("#id_place").fill("Meeting room 2")
    _click(page, "button", "Arrange the meeting")
    assert "The meeting is arranged" in page.locator("main").inner_text()
    planned = PlannedMeeting.objects.get(plan=plan)
    assert timezone.localtime(planned.starts_at).date() == when

    _click(page, "button", "Send the invitations")
    assert "Invitations are being e-mailed to" in page.locator("main").inner_text()
    invited = sorted(m.to[0] for m in mail.outbox)
    assert mother.email in invited and hoy.email in invited
    assert all(m.attachments and m.attachments[0][0] == "meeting.ics" for m in mail.outbox)

    _click(page, "button", f"Make a home link for {mother.name}")
    link = page.locator("#secure-link").inner_text().strip()

    context = chromium.new_context(base_url=base, locale="en-GB", timezone_id="Europe/London")
    guest = context.new_page()
    visit(guest, link)
    text = guest.locator("main").inner_text()
    assert "Stay in every lesson without walking out" in text
    assert "66.7%" in text  # (3 + 1) of 6 in the card's first week
    assert "Ben" not in text
    context.close()
