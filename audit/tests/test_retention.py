"""Audit retention: events older than the organisation's period go (six years unless it set another), younger ones
stay, a pupil under a retention hold keeps every event about them, a dry run deletes nothing, one run records one
event of the counts, one school's period never touches another's events, and the append-only guard still holds."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit import selectors, services
from audit.models import AuditEvent, AuditSettings
from core.testing.factories import OrganisationFactory
from core.testing.personas import client_for
from core.testing.world import shared_world
from organisations.models import Organisation
from people.models import PupilContact

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2032, 3, 10)  # six years back: 10 March 2026 (GMT, so local midnight is 00:00 UTC)
LONG_AGO = datetime.datetime(2020, 5, 1, 12, 0, tzinfo=datetime.UTC)


world = shared_world()


def _event(organisation, at: datetime.datetime, **fields) -> AuditEvent:
    fields.setdefault("action", AuditEvent.Action.READ)
    return AuditEvent.objects.create(organisation=organisation, at=at, actor_label="x@example.test", **fields)


def _exists(*events: AuditEvent) -> list[bool]:
    return [AuditEvent.objects.filter(pk=e.pk).exists() for e in events]


def _hold(pupil) -> None:
    pupil.retention_hold = "Insurance claim: keep until the solicitor says so"
    pupil.save()


def _counts_events(organisation) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            organisation=organisation,
            action="delete",
            object_type="audit.AuditEvent",
            note__startswith="retention",
        )
    )


def test_it_deletes_events_older_than_six_years_and_keeps_younger_ones(world):
    """By default events go once they are more than six years old, to the day; the last day's events stay."""
    old = _event(world.school, datetime.datetime(2026, 3, 9, 23, 59, tzinfo=datetime.UTC))
    last_day = _event(world.school, datetime.datetime(2026, 3, 10, 0, 0, tzinfo=datetime.UTC))
    young = _event(world.school, datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    counts = services.apply_retention(organisation=world.school, today=TODAY)
    assert (counts.years, counts.events, counts.held) == (6, 1, 0)
    assert _exists(old, last_day, young) == [False, True, True]


def test_it_uses_the_period_the_organisation_set(world):
    """A school that keeps its events two years loses those older than two years."""
    AuditSettings.objects.create(organisation=world.school, events_years=2)
    three_years = _event(world.school, datetime.datetime(2029, 3, 1, tzinfo=datetime.UTC))
    one_year = _event(world.school, datetime.datetime(2031, 3, 1, tzinfo=datetime.UTC))
    services.apply_retention(organisation=world.school, today=TODAY)
    assert _exists(three_years, one_year) == [False, True]


def test_it_keeps_the_events_about_a_pupil_under_a_retention_hold(world):
    """Events about a held pupil stay: the pupil's record, a record that names the pupil (while it exists, or by
    the pupil in any of its events' changes once it is gone, its other events with it), a refusal with no
    organisation; the same for an unheld pupil go."""
    _hold(world.alice)
    contact = PupilContact.objects.get(pupil=world.alice)
    kept = [
        _event(world.school, LONG_AGO, object_type="people.Pupil", object_id=str(world.alice.pk)),
        _event(world.school, LONG_AGO, object_type="people.PupilContact", object_id=str(contact.pk)),
        _event(
            world.school,
            LONG_AGO,
            action="delete",
            object_type="behaviour.Suspension",
            object_id="999999",
            changes={"pupil_id": [world.alice.pk, None], "days": [2, None]},
        ),
        # an earlier change to that suspension names no pupil: its deletion's event does
        _event(
            world.school,
            LONG_AGO - datetime.timedelta(days=30),
            action="update",
            object_type="behaviour.Suspension",
            object_id="999999",
            changes={"days": [1, 2]},
        ),
        _event(
            world.school,
            LONG_AGO,
            action="create",
            object_type="support_plans.SupportPlan",
            object_id="888888",
            changes={"pupil_id": [None, world.alice.pk]},
        ),
    ]
    kept_no_organisation = _event(
        None, LONG_AGO, action="denied", object_type="people.Pupil", object_id=str(world.alice.pk)
    )
    gone = [
        _event(world.school, LONG_AGO, object_type="people.Pupil", object_id=str(world.ben.pk)),
        _event(
            world.school,
            LONG_AGO,
            action="delete",
            object_type="behaviour.Suspension",
            object_id="999998",
            changes={"pupil_id": [world.ben.pk, None]},
        ),
        # an id that happens to equal the held pupil's, on a record that names no pupil
        _event(world.school, LONG_AGO, object_type="organisations.Site", object_id=str(world.alice.pk)),
    ]
    gone_no_organisation = _event(
        None, LONG_AGO, action="denied", object_type="people.Pupil", object_id=str(world.ben.pk)
    )
    assert services.retention_counts(organisation=world.school, today=TODAY).held == 5
    counts = services.apply_retention(organisation=world.school, today=TODAY)
    none_counts = services.apply_retention(organisation=None, today=TODAY)
    assert (counts.events, counts.held, none_counts.events, none_counts.held) == (3, 5, 1, 1)
    assert _exists(*kept, kept_no_organisation) == [True] * 6
    assert _exists(*gone, gone_no_organisation) == [False] * 4


def test_it_deletes_nothing_on_a_dry_run(world):
    """Without --apply the command prints what would go, organisation by organisation, and deletes nothing."""
    _event(world.school, LONG_AGO)
    _event(world.school, LONG_AGO)
    _event(world.other_school, LONG_AGO)
    _event(None, LONG_AGO, action="login_failed")
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    out = StringIO()
    call_command("retention", "--only", "audit", "--date", TODAY.isoformat(), stdout=out)
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == before
    text = out.getvalue()
    assert "Oakfield School: 2 audit event(s) older than 6 year(s) to delete (dry run: add --apply)" in text
    assert "Riverside School: 1 audit event(s)" in text
    assert "No organisation: 1 audit event(s)" in text
    assert "Total: 4 audit event(s) to delete" in text


def test_it_records_one_event_of_the_counts_on_apply(world):
    """--apply deletes and records one event per organisation with the counts; that event is new, so it stays, and
    a second run finds nothing and records nothing."""
    _hold(world.alice)
    _event(world.school, LONG_AGO)
    _event(world.school, LONG_AGO)
    _event(world.school, LONG_AGO, object_type="people.Pupil", object_id=str(world.alice.pk))
    call_command("retention", "--only", "audit", "--apply", "--date", TODAY.isoformat(), stdout=StringIO())
    [event] = _counts_events(world.school)
    assert event.note == (
        "retention: 2 audit event(s) older than 6 year(s) (before 2026-03-10) deleted; "
        "1 kept for pupils under a retention hold"
    )
    assert _counts_events(world.other_school) == []
    out = StringIO()
    call_command("retention", "--only", "audit", "--apply", "--date", TODAY.isoformat(), stdout=out)
    assert _counts_events(world.school) == [event]
    assert "Total: 0 audit event(s) deleted; 1 kept" in out.getvalue()


def test_it_keeps_organisations_apart(world):
    """One school's short period never deletes another school's events, and --organisation runs for one only."""
    AuditSettings.objects.create(organisation=world.other_school, events_years=1)
    ours = _event(world.school, datetime.datetime(2029, 1, 1, tzinfo=datetime.UTC))
    theirs = _event(world.other_school, datetime.datetime(2029, 1, 1, tzinfo=datetime.UTC))
    ours_old = _event(world.school, LONG_AGO)
    no_organisation = _event(None, LONG_AGO)
    call_command(
        "retention",
        "--only",
        "audit",
        "--apply",
        "--organisation",
        "riverside",
        "--date",
        TODAY.isoformat(),
        stdout=StringIO(),
    )
    assert _exists(ours, theirs, ours_old, no_organisation) == [True, False, True, True]
    assert _counts_events(world.school) == []
    call_command("retention", "--only", "audit", "--apply", "--date", TODAY.isoformat(), stdout=StringIO())
    assert _exists(ours, ours_old, no_organisation) == [True, False, False]


def test_it_runs_for_every_kind_of_organisation(world):
    """The provider's log is kept to its period too, not only schools' (their pupils' jobs skip it)."""
    provider = OrganisationFactory(name="Exam Provider", slug="provider", kind=Organisation.Kind.PROVIDER)
    old = _event(provider, LONG_AGO)
    call_command("retention", "--only", "audit", "--apply", "--date", TODAY.isoformat(), stdout=StringIO())
    assert _exists(old) == [False]
    assert len(_counts_events(provider)) == 1


def test_it_still_refuses_an_ordinary_delete(world):
    """The retention job's own selection, and any other, still refuses `delete()`; so does one event."""
    old = _event(world.school, LONG_AGO)
    with pytest.raises(TypeError):
        selectors.expired_events(world.school, TODAY).delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=old.pk).delete()
    with pytest.raises(TypeError):
        old.delete()
    assert _exists(old) == [True]


def test_it_lets_an_administrator_set_the_period_within_one_to_twenty_five_years(world):
    """The period is a whole number of years from 1 to 25; the saved setting is audited."""
    url = reverse("audit:settings_edit")
    client = client_for(world.admin)
    assert client.get(url).context["form"]["events_years"].value() == 6
    for bad in ("0", "26", "2.5", "-1", "six", ""):
        response = client.post(url, {"events_years": bad})
        assert response.status_code == 200 and response.context["form"].errors["events_years"]
    assert not AuditSettings.objects.exists()
    assert client.post(url, {"events_years": "8"}).status_code == 302
    assert AuditSettings.objects.get(organisation=world.school).events_years == 8
    assert selectors.retention_years(world.school) == 8
    assert selectors.retention_years(world.other_school) == 6
    assert AuditEvent.objects.filter(object_type="audit.AuditSettings", action="create").exists()


def test_it_refuses_the_settings_to_a_tutor(world):
    """Only those who read the audit log set how long it is kept."""
    url = reverse("audit:settings_edit")
    assert client_for(world.tutor).get(url).status_code == 403
    assert client_for(world.tutor).post(url, {"events_years": "1"}).status_code == 403
    assert not AuditSettings.objects.exists()


def test_it_changes_only_the_outsiders_own_organisations_period(world):
    """Another school's administrator sets their own school's period, never this one's."""
    client_for(world.other_admin).post(reverse("audit:settings_edit"), {"events_years": "3"})
    assert selectors.retention_years(world.other_school) == 3
    assert selectors.retention_years(world.school) == 6


def test_it_never_deletes_safeguarding_events_within_the_safeguarding_period(world):
    """An old ordinary read goes; an old read of a child's safeguarding file (against the pupil, or a concern) and an
    old write of a safeguarding record stay: they go only with the file, when the DSL destroys it after review."""
    ordinary = _event(world.school, LONG_AGO, object_type="people.Pupil", object_id=str(world.alice.pk))
    file_read = _event(
        world.school,
        LONG_AGO,
        object_type="people.Pupil",
        object_id=str(world.alice.pk),
        note="safeguarding: chronology",
    )
    concern_read = _event(world.school, LONG_AGO, object_type="safeguarding.Concern", object_id="1")
    concern_write = _event(
        world.school,
        LONG_AGO,
        action=AuditEvent.Action.CREATE,
        object_type="safeguarding.Decision",
        object_id="1",
    )
    counts = services.apply_retention(organisation=world.school, today=TODAY)
    assert counts.events == 1
    assert _exists(ordinary, file_read, concern_read, concern_write) == [False, True, True, True]
