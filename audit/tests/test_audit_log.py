"""The audit log: append-only, complete for tracked writes, readable by administrators only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import record_event
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


world = shared_world()


def test_it_cannot_be_changed_or_deleted(world):
    event = record_event(action="read", actor=world.dsl, obj=world.alice)
    event.note = "tampered"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_it_records_create_update_delete_with_old_and_new_values(world):
    pupil = world.ben
    pupil.year_group = 10
    pupil.save()
    update = AuditEvent.objects.get(action="update", object_type="people.Pupil", object_id=str(pupil.pk))
    assert update.changes["year_group"] == [9, 10]
    assert update.organisation_id == world.school.pk
    pk = pupil.pk
    pupil.delete()
    assert AuditEvent.objects.filter(action="delete", object_type="people.Pupil", object_id=str(pk)).exists()


def test_it_shows_administrators_their_own_organisations_events_only(world):
    record_event(action="read", actor=world.dsl, obj=world.alice, note="oakfield-event")
    record_event(action="read", actor=world.outsider, obj=world.rory, note="riverside-event")
    body = client_for(world.admin).get(reverse("audit:event_list"), {"action": "read"}).content.decode()
    assert "oakfield-event" in body and "riverside-event" not in body


def test_it_refuses_the_log_to_a_tutor(world):
    assert client_for(world.tutor).get(reverse("audit:event_list")).status_code == 403
    assert client_for(world.tutor).get(reverse("audit:event_export")).status_code == 403


def test_it_exports_filtered_events_with_formulas_neutralised(world):
    record_event(action="read", actor=world.dsl, obj=world.alice, note='=HYPERLINK("http://evil")')
    response = client_for(world.admin).get(reverse("audit:event_export"), {"action": "read", "format": "csv"})
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in body
    xlsx = client_for(world.admin).get(reverse("audit:event_export"), {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="export", actor=world.admin).exists()


def test_it_records_refused_access(world):
    client_for(world.outsider).get(reverse("people:pupil_detail", args=[world.alice.pk]))
    assert AuditEvent.objects.filter(
        action="denied", actor=world.outsider, object_id=str(world.alice.pk)
    ).exists()


def _safeguarding_events(world):
    record_event(
        action="create",
        actor=world.dsl,
        organisation_id=world.school.pk,
        object_type="safeguarding.Concern",
        object_id="41",
        changes={"seen_or_heard": [None, "saw-a-bruise-on-her-arm"]},
        note="concern-note-text",
    )
    record_event(action="read", actor=world.dsl, obj=world.alice, note="safeguarding: child's file opened")


def test_it_withholds_safeguarding_records_details_from_readers_outside_the_dsl_team(world):
    _safeguarding_events(world)
    client = client_for(world.admin)
    body = client.get(reverse("audit:event_list")).content.decode()
    assert "safeguarding.Concern 41" in body  # that it happened, who and when stay
    assert "saw-a-bruise" not in body and "concern-note-text" not in body
    assert "child&#x27;s file opened" not in body and "details are for the DSL team only" in body
    export = client.get(reverse("audit:event_export"), {"format": "csv"}).content.decode()
    assert "safeguarding.Concern" in export and "details are for the DSL team only" in export
    assert "saw-a-bruise" not in export and "concern-note-text" not in export and "file opened" not in export


def test_it_shows_safeguarding_records_details_to_a_reader_on_the_dsl_team(world):
    from access.models import RoleAssignment
    from access.roles import Role

    _safeguarding_events(world)
    RoleAssignment.objects.create(user=world.admin, organisation=world.school, role=Role.DSL)
    body = client_for(world.admin).get(reverse("audit:event_list")).content.decode()
    assert "saw-a-bruise-on-her-arm" in body and "concern-note-text" in body
    assert "details are for the DSL team only" not in body


def test_it_shows_an_edit_as_old_and_new_and_any_other_detail_as_it_is(world):
    """An edit's `[old, new]` reads "old → new"; an upload's plain details read as themselves (they showed "p → u"
    for "pupils", a string indexed as if it were a pair)."""
    record_event(
        action="import",
        organisation_id=world.school.pk,
        changes={
            "year_group": [9, 10],
            "kind": "pupils",
            "file": "pupils.csv",
            "left_on": [None, "2026-07-20"],
        },
        note="detail shapes",
    )
    page = client_for(world.admin).get(reverse("audit:event_list"), {"action": "import"}).content.decode()
    for shown in ("year_group: 9 → 10", "kind: pupils", "file: pupils.csv", "left_on: — → 2026-07-20"):
        assert shown in page
    assert "p → u" not in page
