"""A new secure link withdraws the one still waiting to be used, so staff are asked first."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.testing.personas import client_for
from core.testing.world import shared_world
from support_plans import services
from support_plans.models import SecureLink
from support_plans.tests.helpers import started_plan

pytestmark = pytest.mark.django_db


world = shared_world()


def test_it_asks_before_a_new_signing_link_withdraws_the_one_waiting(world):
    plan = started_plan(world)
    mother = plan.parties.get(kind="parent")
    client = client_for(world.head_of_year9)
    url = reverse("support_plans:party_sign_link", args=[mother.pk])
    assert "secure-link" in client.post(url).content.decode()
    first = SecureLink.objects.get()
    asked = client.post(url)
    assert asked.status_code == 200
    assert "Withdraw it and make a new link" in asked.content.decode()
    assert SecureLink.objects.count() == 1 and SecureLink.objects.get().revoked_at is None
    made = client.post(url, {"confirm": "withdraw"})
    assert 'id="secure-link"' in made.content.decode()
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert SecureLink.objects.filter(revoked_at__isnull=True).exclude(pk=first.pk).count() == 1


def test_it_makes_a_questionnaire_link_without_asking_when_the_earlier_one_has_expired(world):
    plan = started_plan(world)
    q = services.questionnaire_create(actor=world.head_of_year9, plan=plan, kind="parent", respondent="Mary")
    link, _ = services.link_create(
        actor=world.head_of_year9, plan=plan, purpose="questionnaire", questionnaire=q
    )
    client = client_for(world.head_of_year9)
    url = reverse("support_plans:questionnaire_link", args=[q.pk])
    assert "Withdraw it" in client.post(url).content.decode()
    SecureLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert 'id="secure-link"' in client.post(url).content.decode()
    assert SecureLink.objects.filter(questionnaire=q).count() == 2


def test_it_warns_on_the_email_page_that_sending_withdraws_the_waiting_link(world):
    plan = started_plan(world)
    q = services.questionnaire_create(
        actor=world.head_of_year9,
        plan=plan,
        kind="parent",
        respondent="Mary",
        party=plan.parties.get(kind="parent"),
    )
    client = client_for(world.head_of_year9)
    page = reverse("support_plans:questionnaire_email", args=[q.pk])
    assert "has not been used yet" not in client.get(page).content.decode()
    services.link_create(
        actor=world.head_of_year9, plan=plan, purpose="questionnaire", questionnaire=q, party=q.party
    )
    assert "has not been used yet: sending a new one withdraws it" in client.get(page).content.decode()
