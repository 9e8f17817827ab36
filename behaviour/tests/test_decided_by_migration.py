"""The migration that parts who decided a suspension from who recorded it keeps the stored person as both."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from behaviour import services
from behaviour.models import Suspension
from core.testing.citus import skip_on_citus
from core.testing.personas import build_school_world

BEFORE = ("behaviour", "0004_incident_category_from_school_list")


def _migrate_all(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.long
@pytest.mark.django_db(transaction=True)
def test_it_makes_the_stored_person_the_recorder_of_existing_suspensions():
    """A suspension stored before the migration has its stored person as decided-by and recorded-by."""
    skip_on_citus("migrating back drops and re-creates tables, which would come back undistributed")
    world = build_school_world()
    monday = datetime.date(2026, 3, 2)
    suspension = services.suspension_create(
        actor=world.head_of_year9,
        pupil=world.alice,
        kind="suspension",
        starts_on=monday,
        ends_on=monday,
        sessions=2,
        reason="persistent",
        details="Disruption",
    )
    # Forward to every app's latest migration, not behaviour's alone: apps whose migrations depend on behaviour's
    # (caseloads) were unapplied on the way back and must return for the tests that follow in this process.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT decided_by_id FROM behaviour_suspension WHERE id = %s", [suspension.pk])
        assert cursor.fetchone() == (world.head_of_year9.pk,)
    _migrate_all(latest)
    migrated = Suspension.objects.get(pk=suspension.pk)
    assert migrated.decided_by_id == migrated.recorded_by_id == world.head_of_year9.pk
