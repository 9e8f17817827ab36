"""The PSP screens: who may open them (403 for a head of another year, 404 for another school), and what they do."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks.signals import task_enqueued

from audit.models import AuditEvent
from behaviour.services import report_scores_record
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world
from support_plans import services
from support_plans.models import Alert, Questionnaire, SecureLink, SupportPlan
from support_plans.selectors import print_context
from support_plans.tasks import send_alert_email
from support_plans.tests.helpers import smart, started_plan

pytestmark = pytest.mark.django_db

PLAN_URLS = [
    "plan_detail",
    "plan_edit",
    "pack_edit",
    "assessments_edit",
    "terms_edit",
    "monitoring_edit",
    "party_add",
    "questionnaire_add",
    "target_add",
    "sign",
    "plan_close",
    "plan_pdf",
]


world = shared_world()


@pytest.fixture
def plan(world):
    return started_plan(world)


def _urls(world, plan):
    """Every PSP URL that names an object, with a real object of this plan."""
    party = plan.parties.first()
    q = services.questionnaire_create(
        actor=world.head_of_year9, plan=plan, kind="parent", respondent="Mary Archer"
    )
    alert = Alert.objects.create(organisation=world.school, plan=plan, reason="failing")
    urls = [(reverse(f"support_plans:{name}", args=[plan.pk]), "get") for name in PLAN_URLS]
    urls += [
        (reverse("support_plans:meeting_add", args=[plan.pk, "review"]), "get"),
        (reverse("support_plans:party_edit", args=[party.pk]), "get"),
        (reverse("support_plans:party_sign_link", args=[party.pk]), "post"),
        (reverse("support_plans:questionnaire_detail", args=[q.pk]), "get"),
        (reverse("support_plans:questionnaire_link", args=[q.pk]), "post"),
        (reverse("support_plans:questionnaire_email", args=[q.pk]), "get"),
        (reverse("support_plans:questionnaire_email", args=[q.pk]), "post"),
        (reverse("support_plans:questionnaire_paper", args=[q.pk]), "get"),
        (reverse("support_plans:target_revise", args=[plan.targets.first().pk]), "get"),
        (reverse("support_plans:alert_resolve", args=[alert.pk]), "get"),
    ]
    return urls


@outsider_test(
    *[f"support_plans:{n}" for n in PLAN_URLS],
    "support_plans:meeting_add",
    "support_plans:party_edit",
    "support_plans:party_sign_link",
    "support_plans:questionnaire_detail",
    "support_plans:questionnaire_link",
    "support_plans:questionnaire_email",
    "support_plans:questionnaire_paper",
    "support_plans:target_revise",
    "support_plans:alert_resolve",
)
def test_it_hides_every_plan_page_from_another_school_with_404(world, plan):
    client = client_for(world.outsider)
    for url, method in _urls(world, plan):
        assert_outsider_404(client, url, method)
    assert SecureLink.objects.count() == 0


def test_it_refuses_a_head_of_another_year_with_403_on_every_plan_page(world, plan):
    client = client_for(world.head_of_year10)
    for url, method in _urls(world, plan):
        assert getattr(client, method)(url).status_code == 403, url
    assert plan.pk not in [p.pk for p in client.get(reverse("support_plans:dashboard")).context["page_obj"]]


def test_it_refuses_a_tutor_the_dashboard_and_opening_a_plan(world):
    client = client_for(world.tutor)
    assert client.get(reverse("support_plans:dashboard")).status_code == 403
    assert client.get(reverse("support_plans:plan_create")).status_code == 403
    assert client.get(reverse("support_plans:settings_edit")).status_code == 403


def test_it_shows_the_plan_to_its_head_of_year_senior_leader_senco_and_dsl(world, plan):
    for user in (world.head_of_year9, world.senior, world.senco, world.dsl):
        response = client_for(user).get(reverse("support_plans:plan_detail", args=[plan.pk]))
        assert response.status_code == 200, user.email
        assert "Stay in every lesson" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="read", object_type="support_plans.SupportPlan", object_id=str(plan.pk)
    ).exists()


def test_it_opens_a_plan_through_the_form(world):
    client = client_for(world.head_of_year9)
    response = client.post(
        reverse("support_plans:plan_create"),
        {
            "pupil": world.ben.pk,
            "coordinator": world.head_of_year9.pk,
            "opened_on": timezone.localdate().isoformat(),
            "reason": "Repeated defiance; one suspension",
            "relation": "alongside_iep",
            "relation_note": "IEP for literacy",
        },
    )
    assert response.status_code == 302, response.content.decode()
    plan = SupportPlan.objects.get(pupil=world.ben)
    assert plan.relation == "alongside_iep"
    assert AuditEvent.objects.filter(
        action="create", object_type="support_plans.SupportPlan", object_id=str(plan.pk)
    ).exists()
    # Hugo may not open one for Dan in year 10.
    response = client.post(
        reverse("support_plans:plan_create"),
        {
            "pupil": world.dan.pk,
            "coordinator": world.head_of_year9.pk,
            "opened_on": "2026-11-01",
            "reason": "x",
            "relation": "none",
        },
    )
    assert response.status_code == 200 and not SupportPlan.objects.filter(pupil=world.dan).exists()


def test_it_refuses_a_target_missing_an_element_with_a_message_naming_it(world, plan):
    data = smart(baseline="")
    data["due_on"] = data["due_on"].isoformat()
    response = client_for(world.head_of_year9).post(reverse("support_plans:target_add", args=[plan.pk]), data)
    assert response.status_code == 200
    assert "measurable — give the baseline to measure from" in response.content.decode()
    assert plan.targets.count() == 1


def test_it_prints_current_targets_and_revisions(world, plan):
    services.target_revise(
        actor=world.head_of_year9,
        target=plan.targets.get(),
        specific="Stay in lessons and start work promptly",
        reason="More challenging at 4 weeks",
    )
    client = client_for(world.head_of_year9)
    response = client.get(reverse("support_plans:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = render_to_string("support_plans/plan_pdf.html", print_context(plan))
    current = html.split("<h2>Current targets</h2>")[1].split("<h2>Target revisions</h2>")
    assert "Stay in lessons and start work promptly" in current[0]
    assert "Stay in every lesson without walking out" not in current[0]
    assert (
        "Stay in every lesson without walking out" in current[1]
        and "More challenging at 4 weeks" in current[1]
    )
    assert AuditEvent.objects.filter(action="export", object_id=str(plan.pk)).exists()


def test_it_completes_a_questionnaire_once_through_its_link_and_stores_only_a_hash(world, plan):
    q = services.questionnaire_create(
        actor=world.head_of_year9, plan=plan, kind=Questionnaire.Kind.PARENT, respondent="Mary"
    )
    link, token = services.link_create(
        actor=world.head_of_year9, plan=plan, purpose="questionnaire", questionnaire=q
    )
    assert token not in link.token_hash and len(link.token_hash) == 64
    anonymous = client_for(world.tutor)
    anonymous.logout()
    url = reverse("support_plans:link", args=[token])
    assert anonymous.get(url).status_code == 200
    response = anonymous.post(url, {"strengths": "Kind to her brother", "home": "Calmer at home"})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    q.refresh_from_db()
    assert q.answers["strengths"] == "Kind to her brother" and q.source == "online"
    assert anonymous.get(url).status_code == 410  # single submission
    assert anonymous.post(url, {"strengths": "again"}).status_code == 410


def test_it_refuses_an_expired_link(world, plan):
    q = services.questionnaire_create(
        actor=world.head_of_year9, plan=plan, kind="pupil_secondary", respondent="Alice"
    )
    link, token = services.link_create(
        actor=world.head_of_year9, plan=plan, purpose="questionnaire", questionnaire=q
    )
    SecureLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client_for(world.tutor).get(reverse("support_plans:link", args=[token]))
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert client_for(world.tutor).get(reverse("support_plans:link", args=["not-a-token"])).status_code == 410


def test_it_lets_a_parent_sign_the_targets_by_link(world, plan):
    mother = plan.parties.get(kind="parent")
    response = client_for(world.head_of_year9).post(
        reverse("support_plans:party_sign_link", args=[mother.pk])
    )
    url = response.context["url"]
    path = url[url.index("/support-plans/") :]
    visitor = client_for(world.tutor)
    visitor.logout()
    assert "Stay in every lesson" in visitor.get(path).content.decode()
    visitor.post(path, {"signed_name": "Mary Archer", "confirm": "on"})
    assert plan.signatures.get(party=mother).method == "link"


def test_it_alerts_the_coordinator_when_the_report_card_shows_the_plan_failing(
    world, plan, django_capture_on_commit_callbacks, mailoutbox
):
    services.monitoring_set(actor=world.head_of_year9, plan=plan, frequency="daily", staff=world.tutor)
    plan.refresh_from_db()
    card = plan.report_card
    assert card.targets == ["Stay in every lesson without walking out"]
    enqueued = []
    task_enqueued.connect(
        lambda sender, task_result, **kw: enqueued.append(task_result), weak=False, dispatch_uid="t"
    )
    with django_capture_on_commit_callbacks(execute=True):
        for day in range(3):
            report_scores_record(
                actor=world.tutor,
                card=card,
                date=card.starts_on + datetime.timedelta(days=day),
                lesson="P1 English",
                scores={0: 0},
            )
    task_enqueued.disconnect(dispatch_uid="t")
    alert = Alert.objects.get(plan=plan)
    assert [r.args for r in enqueued if r.task.func is send_alert_email.func] == [[alert.pk]]
    assert send_alert_email.call(alert.pk) is True  # what the worker runs
    assert (
        mailoutbox[-1].to == [world.head_of_year9.email] and "contact the parents" in mailoutbox[-1].subject
    )
    assert "below 50%" in alert.reason
    body = client_for(world.head_of_year9).get(reverse("home")).content.decode()
    assert "may be failing" in body
    response = client_for(world.head_of_year9).post(
        reverse("support_plans:alert_resolve", args=[alert.pk]),
        {
            "parents_contacted_on": timezone.localdate().isoformat(),
            "resolution": "Spoke to mum; extra check-in agreed",
        },
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert not alert.is_open


def test_it_refuses_to_close_without_a_final_meeting_through_the_form(world, plan):
    page = client_for(world.head_of_year9).get(reverse("support_plans:plan_close", args=[plan.pk]))
    assert "Closing is final: the programme becomes read-only" in page.content.decode()
    response = client_for(world.head_of_year9).post(
        reverse("support_plans:plan_close", args=[plan.pk]),
        {"outcome": "successful", "evaluation": "Good", "continued_monitoring": "Weekly"},
    )
    assert (
        response.status_code == 200 and "cannot close without its final meeting" in response.content.decode()
    )
    plan.refresh_from_db()
    assert plan.is_open


def test_it_shows_the_dashboard_with_reviews_due_and_the_outcomes_chart_data(world, plan):
    response = client_for(world.senior).get(reverse("support_plans:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200 and "Alice Archer" in body and "Overdue" in body
    assert 'id="psp-outcomes-data"' not in body  # nothing closed yet
    settings_page = client_for(world.senior).post(
        reverse("support_plans:settings_edit"),
        {"length_weeks": 16, "review_weeks": "8", "scores_gap_school_days": 5},
    )
    assert settings_page.status_code == 302
    bad = client_for(world.senior).post(
        reverse("support_plans:settings_edit"),
        {"length_weeks": 12, "review_weeks": "4,14", "scores_gap_school_days": 5},
    )
    assert "before the final meeting" in bad.content.decode()


def test_a_member_of_staff_named_on_the_plan_reads_it_and_changes_nothing(world, plan):
    from support_plans.models import Party

    detail = reverse("support_plans:plan_detail", args=[plan.pk])
    client = client_for(world.tutor)
    assert client.get(detail).status_code == 403  # not a party yet
    Party.objects.create(
        organisation=plan.organisation, plan=plan, kind=Party.Kind.STAFF, name="Tom Tutor", user=world.tutor
    )
    page = client.get(detail)
    assert page.status_code == 200 and "Stay in every lesson" in page.content.decode()
    assert page.context["can_edit"] is False
    assert client.get(reverse("support_plans:plan_pdf", args=[plan.pk])).status_code == 200
    assert client.get(reverse("support_plans:target_add", args=[plan.pk])).status_code == 403
    assert AuditEvent.objects.filter(actor=world.tutor, action="read", object_id=str(plan.pk)).exists()
