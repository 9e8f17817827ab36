"""A form the user cannot save says why, next to the field, and keeps nothing back silently."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.personas import client_for
from core.testing.world import shared_world
from support_plans import services
from support_plans.models import Assessment
from support_plans.tests.helpers import open_plan

pytestmark = pytest.mark.django_db


world = shared_world()


def test_it_refuses_assessment_notes_without_a_decision_rather_than_dropping_them(world):
    plan = open_plan(world)
    client = client_for(world.head_of_year9)
    url = reverse("support_plans:assessments_edit", args=[plan.pk])
    response = client.post(
        url, {"learning_decision": "", "learning_notes": "Reading age 9; refer to the SENCO"}
    )
    assert response.status_code == 200
    assert "Choose a decision to keep these notes" in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()
    assert not Assessment.objects.filter(plan=plan).exists()


def test_it_removes_an_assessment_once_its_decision_and_notes_are_both_cleared(world):
    plan = open_plan(world)
    services.assessments_save(
        actor=world.head_of_year9, plan=plan, decisions={"learning": ("planned", "Reading")}
    )
    client = client_for(world.head_of_year9)
    url = reverse("support_plans:assessments_edit", args=[plan.pk])
    assert client.post(url, {"learning_decision": "", "learning_notes": "Reading"}).status_code == 200
    assert Assessment.objects.filter(plan=plan, kind="learning").exists()
    assert client.post(url, {"learning_decision": "", "learning_notes": ""}).status_code == 302
    assert not Assessment.objects.filter(plan=plan).exists()


def test_it_keeps_the_page_title_and_guidance_when_a_plan_form_is_refused(world):
    plan = open_plan(world)
    client = client_for(world.head_of_year9)
    response = client.post(
        reverse("support_plans:plan_edit", args=[plan.pk]),
        {
            "coordinator": world.head_of_year9.pk,
            "reason": "x",
            "relation": "none",
            "length_weeks": 12,
            "review_weeks": "4,12",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Every review must fall before the final meeting" in body
    assert "<h1>Coordinator, reason and other plans</h1>" in body
