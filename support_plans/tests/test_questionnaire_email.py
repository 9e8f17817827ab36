"""Questionnaire links e-mailed by Pastoral: to a known address only, from a task, recorded and audited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.factories import ContactFactory, PupilContactFactory
from core.testing.personas import client_for
from core.testing.world import shared_world
from support_plans import selectors, services
from support_plans.models import SecureLink
from support_plans.tests.helpers import open_plan

pytestmark = pytest.mark.django_db


world = shared_world()


@pytest.fixture
def plan(world):
    return open_plan(world)


def _parent_questionnaire(world, plan):
    parent = plan.parties.get(kind="parent")
    return services.questionnaire_create(
        actor=world.head_of_year9, plan=plan, kind="parent", respondent=parent.name, party=parent
    )


def test_it_emails_a_fresh_link_to_the_chosen_contact_and_records_it(
    world, plan, django_capture_on_commit_callbacks, mailoutbox
):
    q = _parent_questionnaire(world, plan)
    address = plan.parties.get(kind="parent").email
    client = client_for(world.head_of_year9)
    page = client.get(reverse("support_plans:questionnaire_email", args=[q.pk])).content.decode()
    assert address in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support_plans:questionnaire_email", args=[q.pk]), {"recipient": address}
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [address] and "questionnaire about Alice" in mail.subject
    token = re.search(r"/support-plans/l/([\w-]+)/", mail.body).group(1)
    link = SecureLink.objects.get(questionnaire=q)
    assert (
        link.emailed_to == address and link.emailed_at is not None and link.created_by == world.head_of_year9
    )
    assert services.link_resolve(token) == link
    # The public link opens the questionnaire.
    assert client_for(world.tutor).get(reverse("support_plans:link", args=[token])).status_code == 200
    event = AuditEvent.objects.get(
        action="update", object_type="support_plans.SecureLink", object_id=str(link.pk)
    )
    assert event.actor == world.head_of_year9 and event.changes["emailed_to"] == ["", address]
    detail = client.get(reverse("support_plans:questionnaire_detail", args=[q.pk])).content.decode()
    assert f"E-mailed to {address}" in detail


def test_it_sends_a_pupil_questionnaire_to_a_parent_and_withdraws_the_earlier_link(
    world, plan, django_capture_on_commit_callbacks, mailoutbox
):
    other = ContactFactory(
        organisation=world.school, first_name="Pat", last_name="Archer", email="pat@example.test"
    )
    PupilContactFactory(pupil=world.alice, contact=other, relationship="father", priority=2)
    pupil = plan.parties.get(kind="pupil")
    q = services.questionnaire_create(
        actor=world.head_of_year9, plan=plan, kind="pupil_secondary", respondent="Alice", party=pupil
    )
    earlier, _ = services.link_create(
        actor=world.head_of_year9, plan=plan, purpose="questionnaire", questionnaire=q, party=pupil
    )
    assert [a for a, _ in selectors.link_recipients(q)][-1] == "pat@example.test"
    with django_capture_on_commit_callbacks(execute=True):
        services.questionnaire_link_email(
            actor=world.head_of_year9, questionnaire=q, recipient="PAT@Example.test"
        )
    assert [m.to for m in mailoutbox] == [["pat@example.test"]]
    earlier.refresh_from_db()
    assert earlier.revoked_at is not None
    assert SecureLink.objects.get(questionnaire=q, revoked_at__isnull=True).emailed_to == "pat@example.test"


def test_it_refuses_an_address_that_is_not_the_pupil_s_contact(
    world, plan, django_capture_on_commit_callbacks, mailoutbox
):
    q = _parent_questionnaire(world, plan)
    client = client_for(world.head_of_year9)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support_plans:questionnaire_email", args=[q.pk]), {"recipient": "stranger@example.test"}
        )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(Exception, match="pupil's contacts"):
        services.questionnaire_link_email(
            actor=world.head_of_year9, questionnaire=q, recipient="stranger@example.test"
        )
    assert mailoutbox == [] and not SecureLink.objects.exists()


def test_it_says_so_when_no_address_is_held(world, plan, mailoutbox):
    q = services.questionnaire_create(
        actor=world.head_of_year9, plan=plan, kind="staff", respondent="Mr Science"
    )
    response = client_for(world.head_of_year9).get(
        reverse("support_plans:questionnaire_email", args=[q.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("support_plans:questionnaire_detail", args=[q.pk])
    assert "No e-mail address is held" in response.content.decode()
    assert selectors.link_recipients(q) == [] and mailoutbox == []
