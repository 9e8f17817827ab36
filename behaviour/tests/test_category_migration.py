"""The move from a fixed category list to each school's own keeps every existing entry's category."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from behaviour import services
from behaviour.models import BehaviourCategory, Incident
from core.testing.citus import skip_on_citus
from core.testing.personas import build_school_world

BEFORE = ("behaviour", "0001_behaviour_log_report_cards_suspensions")


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
def test_it_keeps_each_incident_s_category_through_the_migration_and_back():
    skip_on_citus("migrating back drops and re-creates tables, which would come back undistributed")
    world = build_school_world()
    for code, kind in (("defiance", "negative"), ("effort", "positive")):
        services.incident_create(
            actor=world.tutor,
            organisation=world.school,
            pupils=[world.alice],
            kind=kind,
            category=BehaviourCategory.objects.get(organisation=world.school, code=code),
            occurred_at=timezone.now(),
            place="classroom",
            staff=world.tutor,
            description=code,
        )
    # Forward to every app's latest migration, not behaviour's alone: apps whose migrations depend on behaviour's
    # (caseloads) were unapplied on the way back and must return for the tests that follow in this process.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT description, category FROM behaviour_incident ORDER BY description")
        assert cursor.fetchall() == [("defiance", "defiance"), ("effort", "effort")]
    _migrate_all(latest)
    by_description = {i.description: i.category for i in Incident.objects.select_related("category")}
    assert by_description["defiance"].name == "Defiance / refusal"
    assert by_description["effort"].kind == "positive"
    assert by_description["defiance"].organisation_id == world.school.pk
    # Both schools have the full default list again, once each.
    for school in (world.school, world.other_school):
        assert BehaviourCategory.objects.filter(organisation=school).count() == 20
