"""Retention of behaviour and PSP records (`manage.py retention --only pastoral`): they go once the pupil left
more than the school's period ago, PSPs with everything under them; pupils on roll, recent leavers, pupils under a
retention hold and another school keep theirs; a shared incident loses only the leaver's part; a failure mid-way leaves everything."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from audit.models import AuditEvent
from behaviour import services as behaviour
from behaviour.models import BehaviourCategory, Incident, IncidentPupil, ReportCard, ReportEntry, Suspension
from core.testing.factories import PupilFactory
from core.testing.personas import build_school_world, client_for
from core.testing.world import shared_world
from support_plans import selectors, services
from support_plans.models import (
    Alert,
    Meeting,
    Party,
    PlanSettings,
    Questionnaire,
    SecureLink,
    Signature,
    SupportPlan,
    Target,
    TargetRevision,
)
from support_plans.tests.helpers import open_plan, started_plan

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2032, 3, 10)
PAST = datetime.date(2030, 3, 9)  # two years and a day before TODAY
LAST_DAY = datetime.date(2030, 3, 10)  # exactly two years before TODAY: still kept
LONG_AGO = datetime.date(2020, 1, 1)
WHEN = datetime.datetime(2026, 5, 14, 10, 15, tzinfo=datetime.UTC)
MODELS = (
    SupportPlan,
    Party,
    Target,
    TargetRevision,
    Meeting,
    Signature,
    Questionnaire,
    SecureLink,
    Alert,
    Incident,
    IncidentPupil,
    Suspension,
    ReportCard,
    ReportEntry,
)


def _rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _incident(organisation, staff, *pupils, description="Pushed in the lunch queue."):
    return behaviour.incident_create(
        actor=staff,
        organisation=organisation,
        pupils=list(pupils),
        kind="negative",
        category=BehaviourCategory.objects.filter(organisation=organisation, kind="negative").first(),
        severity=2,
        occurred_at=WHEN,
        place="classroom",
        staff=staff,
        description=description,
    )


def _internal_exclusion(pupil, staff):
    return behaviour.suspension_create(
        actor=staff,
        pupil=pupil,
        kind="internal",
        starts_on=datetime.date(2026, 5, 15),
        ends_on=datetime.date(2026, 5, 15),
        sessions=2,
        reason="verbal_adult",
        details="Swore at a teacher",
    )


def _card(pupil, staff):
    card = behaviour.report_card_create(
        actor=staff,
        pupil=pupil,
        frequency="daily",
        key_staff=staff,
        targets=["Be on time"],
        starts_on=datetime.date(2026, 5, 11),
        ends_on=datetime.date(2026, 5, 15),
    )
    behaviour.report_scores_record(
        actor=staff, card=card, date=datetime.date(2026, 5, 11), lesson="P1", scores={0: 2}
    )
    return card


def _leave(pupil, on, hold=""):
    pupil.left_on = on
    pupil.retention_hold = hold
    pupil.save()


def _build_world():
    world = build_school_world()
    PlanSettings.objects.create(organisation=world.school, records_years_after_leaving=2)
    return world


world = shared_world(_build_world)


@pytest.fixture
def alice(world):
    """Alice, who left two years and a day before TODAY, with a full PSP (parties, target, meeting, monitoring
    card with failing scores and its alert, a questionnaire sent by link, a signature), a report card of her own,
    an internal exclusion and an incident of her own."""
    hoy = world.head_of_year9
    plan = services.monitoring_set(actor=hoy, plan=started_plan(world), frequency="daily", staff=world.tutor)
    for day in range(3):
        behaviour.report_scores_record(
            actor=world.tutor,
            card=plan.report_card,
            date=plan.report_card.starts_on + datetime.timedelta(days=day),
            lesson="P1",
            scores={0: 0},
        )
    pupil_party = plan.parties.get(kind=Party.Kind.PUPIL)
    questionnaire = services.questionnaire_create(
        actor=hoy, plan=plan, kind="pupil_secondary", respondent="Alice", party=pupil_party
    )
    services.link_create(actor=hoy, plan=plan, purpose="questionnaire", questionnaire=questionnaire)
    services.sign_targets(plan=plan, party=pupil_party, signed_name="Alice Archer", method="on_screen")
    _card(world.alice, world.tutor)
    _internal_exclusion(world.alice, hoy)
    _incident(world.school, world.tutor, world.alice)
    _leave(world.alice, PAST)
    assert all(_rows().values()), _rows()  # every kind of record is there to be deleted
    return world.alice


def test_a_dry_run_counts_and_deletes_nothing(world, alice):
    before = _rows()
    counts = selectors.retention_counts(organisation=world.school, today=TODAY)
    assert (counts.pupils, counts.plans, counts.behaviour.incidents, counts.behaviour.suspensions) == (
        1,
        1,
        1,
        1,
    )
    assert (counts.behaviour.report_cards, counts.behaviour.report_entries) == (2, 4)
    # 4 parties and their 4 places at the meeting, the meeting, a target and its wording, a signature, a
    # questionnaire, its link and the alert
    assert counts.plan_records == 15
    out = StringIO()
    call_command("retention", "--only", "pastoral", "--date", TODAY.isoformat(), stdout=out)
    assert "Oakfield School: records of 1 pupil(s) past the period: 1 PSP(s)" in out.getvalue()
    assert (
        "Total: 1 PSP(s), 1 incident(s), 1 suspension(s), 2 report card(s) to delete (dry run"
        in out.getvalue()
    )
    assert _rows() == before
    assert not AuditEvent.objects.filter(action="delete").exists()


def test_it_deletes_a_leavers_plans_with_everything_under_them_and_their_behaviour_records(world, alice):
    counts = services.apply_retention(organisation=world.school, today=TODAY)
    assert (counts.plans, counts.behaviour.incidents, counts.behaviour.report_cards) == (1, 1, 2)
    assert _rows() == dict.fromkeys(_rows(), 0)


def test_it_keeps_the_records_of_pupils_on_roll_and_of_recent_leavers(world, alice):
    ben_plan = open_plan(world, pupil=world.ben)
    kept_cards = {_card(world.ben, world.tutor), _card(world.cleo, world.tutor)}
    kept_incidents = {_incident(world.school, world.tutor, p) for p in (world.ben, world.cleo)}
    _internal_exclusion(world.cleo, world.head_of_year9)
    _leave(world.ben, LAST_DAY)  # exactly the period ago: kept until tomorrow

    services.apply_retention(organisation=world.school, today=TODAY)

    assert list(SupportPlan.objects.all()) == [ben_plan] and Party.objects.filter(plan=ben_plan).exists()
    assert set(ReportCard.objects.all()) == kept_cards and ReportEntry.objects.count() == 2
    assert set(Incident.objects.all()) == kept_incidents
    assert list(Suspension.objects.values_list("pupil", flat=True)) == [world.cleo.pk]
    assert (
        services.apply_retention(organisation=world.school, today=TODAY + datetime.timedelta(days=1)).plans
        == 1
    )


def test_a_shared_incident_keeps_the_other_pupils_part_and_loses_only_the_leavers(world, alice):
    eve = PupilFactory(organisation=world.school, legal_first_name="Eve", left_on=PAST)
    with_cleo = _incident(world.school, world.tutor, world.alice, world.cleo)  # Cleo is on roll
    with_eve = _incident(world.school, world.tutor, world.alice, eve)  # both past the period: goes whole
    followed = _incident(
        world.school, world.tutor, world.alice
    )  # Alice's alone, but Cleo's suspension follows it
    cleo_suspension = _internal_exclusion(world.cleo, world.head_of_year9)
    Suspension.objects.filter(pk=cleo_suspension.pk).update(incident=followed)

    counts = services.apply_retention(organisation=world.school, today=TODAY)

    assert (counts.pupils, counts.behaviour.incidents, counts.behaviour.shared_links) == (2, 2, 2)
    assert set(Incident.objects.all()) == {with_cleo, followed}
    assert not Incident.objects.filter(pk=with_eve.pk).exists()
    assert list(IncidentPupil.objects.values_list("incident", "pupil")) == [(with_cleo.pk, world.cleo.pk)]
    cleo_suspension.refresh_from_db()
    assert cleo_suspension.incident_id == followed.pk


def test_it_takes_the_leavers_name_out_of_a_shared_incident_and_counts_it_in_the_dry_run_and_event(
    world, alice
):
    """The dry run reports the incident whose text would lose Alice's name and changes nothing; the run takes her
    name out, keeps Cleo's, and its one audit event says how many incidents changed."""
    shared = _incident(
        world.school, world.tutor, world.alice, world.cleo, description="Alice Archer pushed Cleo."
    )
    out = StringIO()
    call_command("retention", "--only", "pastoral", "--date", TODAY.isoformat(), stdout=out)
    assert "the leavers' names to take out of 1 of those incident(s)" in out.getvalue()
    assert "the leavers' names to take out of 1 incident(s) kept for other pupils." in out.getvalue()
    shared.refresh_from_db()
    assert shared.description == "Alice Archer pushed Cleo."

    call_command("retention", "--only", "pastoral", "--date", TODAY.isoformat(), "--apply", stdout=out)

    assert "the leavers' names taken out of 1 incident(s) kept for other pupils." in out.getvalue()
    shared.refresh_from_db()
    assert shared.description == "[a former pupil] pushed Cleo."
    event = AuditEvent.objects.get(action="delete", object_type="pastoral_retention")
    assert (
        "1 link(s) to incidents kept for other pupils removed, and the leavers' names taken out of the text of 1 "
        in (event.note)
    )
    assert "Alice" not in event.note


def test_it_never_deletes_the_records_of_a_pupil_under_a_retention_hold(world, alice):
    _leave(world.alice, LONG_AGO, hold="Insurance claim: keep until the solicitor says so")
    before = _rows()
    assert services.apply_retention(organisation=world.school, today=TODAY).total == 0
    assert _rows() == before
    # An incident shared with a held pupil stays, without the leaver's part.
    _leave(world.alice, PAST)
    _leave(world.dan, LONG_AGO, hold="Police request")
    shared = _incident(world.school, world.tutor, world.alice, world.dan)
    services.apply_retention(organisation=world.school, today=TODAY)
    assert list(IncidentPupil.objects.values_list("incident", "pupil")) == [(shared.pk, world.dan.pk)]


def test_it_keeps_everything_when_the_school_set_no_period(world, alice):
    PlanSettings.objects.filter(organisation=world.school).update(records_years_after_leaving=None)
    before = _rows()
    assert services.apply_retention(organisation=world.school, today=TODAY).total == 0
    assert _rows() == before
    assert not AuditEvent.objects.filter(action="delete").exists()


def test_it_never_touches_another_schools_records(world, alice):
    PlanSettings.objects.create(organisation=world.other_school, records_years_after_leaving=1)
    rory_incident = _incident(world.other_school, world.outsider, world.rory)
    rory_card = _card(world.rory, world.outsider)
    _leave(world.rory, LONG_AGO)
    out = StringIO()
    call_command(
        "retention",
        "--only",
        "pastoral",
        "--date",
        TODAY.isoformat(),
        "--organisation",
        "oakfield",
        "--apply",
        stdout=out,
    )
    assert (
        "Total: 1 PSP(s), 1 incident(s), 1 suspension(s), 2 report card(s) deleted; the leavers' names taken out of "
        "0 incident(s) kept for other pupils." in out.getvalue()
    )
    assert list(Incident.objects.all()) == [rory_incident] and list(ReportCard.objects.all()) == [rory_card]
    call_command("retention", "--only", "pastoral", "--date", TODAY.isoformat(), "--apply", stdout=out)
    assert not Incident.objects.exists() and not ReportCard.objects.exists()
    events = AuditEvent.objects.filter(action="delete", object_type="pastoral_retention")
    assert sorted(events.values_list("organisation__slug", flat=True)) == ["oakfield", "riverside"]


def test_it_writes_one_audit_event_naming_what_was_removed_and_no_copy_of_the_records(world, alice):
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    services.apply_retention(organisation=world.school, today=TODAY)
    event = AuditEvent.objects.get(pk__gt=last)
    assert (event.action, event.object_type, event.organisation_id) == (
        "delete",
        "pastoral_retention",
        world.school.pk,
    )
    assert "records of 1 pupil(s) who left more than 2 year(s) ago deleted: 1 PSP(s) with" in event.note
    assert "1 incident(s), 1 suspension(s) and exclusion(s), 2 report card(s) (4 score(s))" in event.note
    # Run again (e.g. next month): nothing left to delete, no event, and pupils whose records went are not counted.
    again = services.apply_retention(organisation=world.school, today=TODAY)
    assert (again.pupils, again.total) == (0, 0) and AuditEvent.objects.filter(pk__gt=last).count() == 1


def test_a_failure_mid_way_leaves_every_record_in_place(world, alice):
    """Ben stays, but his plan points at Alice's own report card: after the plans, suspensions and incidents are
    deleted and the shared incident's text has lost her name, the database refuses the card's deletion, and
    everything changed before it in the run comes back."""
    ben_plan = open_plan(world, pupil=world.ben)
    alice_card = ReportCard.objects.get(pupil=world.alice, purpose="")
    SupportPlan.objects.filter(pk=ben_plan.pk).update(report_card=alice_card)
    shared = _incident(
        world.school, world.tutor, world.alice, world.cleo, description="Alice Archer pushed Cleo."
    )
    before = _rows()
    with pytest.raises(IntegrityError):
        services.apply_retention(organisation=world.school, today=TODAY)
    assert _rows() == before
    shared.refresh_from_db()
    assert shared.description == "Alice Archer pushed Cleo."  # her name was taken out before the failure
    assert not AuditEvent.objects.filter(action="delete", object_type="pastoral_retention").exists()


def test_the_office_sets_the_period_on_the_psp_settings_page_and_it_is_validated(world):
    url = reverse("support_plans:settings_edit")
    for bad in ("0", "26", "two"):
        response = client_for(world.admin).post(
            url,
            {
                "length_weeks": 12,
                "review_weeks": "4,8",
                "records_years_after_leaving": bad,
                "scores_gap_school_days": 5,
            },
        )
        assert response.status_code == 200 and response.context["form"].errors["records_years_after_leaving"]
    assert PlanSettings.objects.get(organisation=world.school).records_years_after_leaving == 2
    response = client_for(world.admin).post(
        url,
        {
            "length_weeks": 12,
            "review_weeks": "4,8",
            "records_years_after_leaving": "6",
            "scores_gap_school_days": 5,
        },
    )
    assert response.status_code == 302
    assert PlanSettings.objects.get(organisation=world.school).records_years_after_leaving == 6
    assert client_for(world.head_of_year9).get(url).status_code == 403


def test_it_deletes_the_arranged_meetings_documents_passport_and_checklist_with_the_plan(
    world, alice, django_capture_on_commit_callbacks
):
    """Everything added beside a leaver's plan goes with it, the document's file included."""
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from support_plans import models
    from support_plans.services import arrangements, documents

    hoy, plan = world.head_of_year9, SupportPlan.objects.get(pupil=alice)
    planned = arrangements.meeting_schedule(
        actor=hoy,
        plan=plan,
        kind="review",
        week=4,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="R2",
    )
    arrangements.invitations_send(actor=hoy, planned=planned)
    arrangements.home_contact_record(
        actor=hoy,
        plan=plan,
        occurred_on=timezone.localdate(),
        direction="to_home",
        method="phone",
        with_whom="Mother",
        summary="Good week.",
    )
    upload = SimpleUploadedFile("iep.pdf", b"%PDF-1.4 IEP")
    stored = documents.document_add(actor=hoy, plan=plan, kind="iep", title="", upload=upload).file.name
    documents.passport_save(
        actor=hoy,
        plan=plan,
        how_i_communicate="a",
        what_helps="b",
        what_does_not_help="c",
        who_to_talk_to="d",
    )
    documents.action_add(
        actor=hoy, plan=plan, description="Call home", owner=hoy, due_on=timezone.localdate()
    )
    beside = (
        models.PlannedMeeting,
        models.Invitation,
        models.HomeContact,
        models.PlanDocument,
        models.CommunicationPassport,
        models.PlanAction,
    )
    assert all(model.objects.exists() for model in beside)
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_retention(organisation=world.school, today=TODAY)
    assert not any(model.objects.exists() for model in beside)
    assert not default_storage.exists(stored)
