"""A migration run after `manage.py distribute` on a Citus database (docs/scale-out.md, "Migrations after
distribution"): the schema editor gives each new table its place as it creates it, before its foreign keys."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, migrations, models, transaction
from django.db.migrations.loader import MigrationLoader

from core.testing.citus import skip_unless_distributed_citus
from core.testing.factories import OrganisationFactory
from core.testing.personas import build_school_world

pytestmark = pytest.mark.django_db


def _migration() -> migrations.Migration:
    """A later migration of the people app: a reference table (no organisation) and a tenant table with foreign
    keys to a tenant table (the pupil), to the new reference table and to reference tables (organisation, user)."""
    migration = migrations.Migration("9999_after_distribute", "people")
    migration.operations = [
        migrations.CreateModel(
            name="LateKind",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("code", models.CharField(max_length=10, unique=True)),
            ],
        ),
        migrations.CreateModel(
            name="LateNote",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("text", models.CharField(max_length=100)),
                (
                    "organisation",
                    models.ForeignKey(on_delete=models.CASCADE, to="organisations.organisation"),
                ),
                ("pupil", models.ForeignKey(on_delete=models.CASCADE, to="people.pupil")),
                ("kind", models.ForeignKey(on_delete=models.PROTECT, to="people.latekind")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("organisation", "pupil", "text"), name="latenote_unique")
                ]
            },
        ),
    ]
    return migration


def _citus_kind(table: str) -> tuple[str, int] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partmethod, colocationid FROM pg_dist_partition WHERE logicalrelid = %s::regclass",
            [table],
        )
        return cursor.fetchone()


def _foreign_keys(table: str) -> set[tuple[str, ...]]:
    """Each foreign key of the table as (referenced table, its columns in order...)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.confrelid::regclass::text, array_agg(a.attname ORDER BY k.n) FROM pg_constraint c"
            " CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum"
            " WHERE c.contype = 'f' AND c.conrelid = %s::regclass GROUP BY c.oid, c.confrelid",
            [table],
        )
        return {(target, *columns) for target, columns in cursor.fetchall()}


def test_a_migration_after_distribute_distributes_a_new_tenant_table_and_replicates_a_new_reference_table():
    skip_unless_distributed_citus()
    state = MigrationLoader(connection).project_state()
    with connection.schema_editor(atomic=True) as editor:
        state = _migration().apply(state, editor)

    pupils = _citus_kind("people_pupil")
    assert pupils is not None and pupils[0] == "h"
    assert _citus_kind("people_latenote") == ("h", pupils[1])  # distributed, co-located with the pupils
    kind = _citus_kind("people_latekind")
    assert kind is not None and kind[0] == "n"  # a reference table
    assert {
        ("people_pupil", "organisation_id", "pupil_id"),
        ("people_latekind", "kind_id"),
        ("organisations_organisation", "organisation_id"),
    } <= _foreign_keys("people_latenote")

    # The new tables take rows: a school's note on its pupil, and the composite key refuses another school's.
    world = build_school_world()
    late_kind = state.apps.get_model("people", "LateKind").objects.create(code="bus")
    note_model = state.apps.get_model("people", "LateNote")
    note = note_model.objects.create(
        organisation_id=world.school.pk, pupil_id=world.alice.pk, kind_id=late_kind.pk, text="the 8:10 bus"
    )
    assert note_model.objects.filter(organisation_id=world.school.pk, pk=note.pk).count() == 1
    other = OrganisationFactory(kind="school")
    with pytest.raises(IntegrityError, match="people_latenote"), transaction.atomic():
        note_model.objects.create(
            organisation_id=other.pk, pupil_id=world.alice.pk, kind_id=late_kind.pk, text="not ours"
        )
        connection.check_constraints(table_names=["people_latenote"])  # the keys are checked at commit
