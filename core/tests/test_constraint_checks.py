"""A test's closing foreign-key check (`connection.check_constraints()`, as Django's TestCase calls it) still finds a
row whose key points nowhere, on every database; on Citus it reads only the keys the test's writes could break
(core/testing/citus.py)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Max

from core.testing.citus import WrittenTables
from core.testing.factories import PupilFactory
from core.testing.world import shared_world
from people.models import GroupMembership, Pupil

world = shared_world()


def _missing_pupil_pk() -> int:
    return (Pupil.objects.aggregate(top=Max("pk"))["top"] or 0) + 1000


def test_it_finds_a_key_an_update_points_nowhere(world):
    """Alice's membership moved onto a pupil who does not exist is refused by the check."""
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMembership.objects.filter(organisation=world.school, pupil=world.alice).update(
            pupil_id=_missing_pupil_pk()
        )
        connection.check_constraints()


def test_it_finds_a_row_inserted_with_a_key_to_nothing(world):
    """A membership written in raw SQL for a pupil who does not exist is refused by the check."""
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO people_groupmembership (organisation_id, group_id, pupil_id, starts_on)"
                " VALUES (%s, %s, %s, %s)",
                [world.school.pk, world.group_9a.pk, _missing_pupil_pk(), "2026-09-01"],
            )
        connection.check_constraints()


def test_it_finds_rows_left_pointing_at_a_deleted_row(world):
    """Ben deleted without his membership (no cascade: the raw delete) leaves a row the check refuses."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Pupil.objects.filter(organisation=world.school, pk=world.ben.pk)._raw_delete(connection.alias)
        connection.check_constraints()


def test_it_passes_when_the_writes_keep_every_key(world):
    """A membership ended and a new pupil added: nothing to refuse."""
    GroupMembership.objects.filter(organisation=world.school, pupil=world.cleo).update(ends_on="2026-12-01")
    PupilFactory(organisation=world.school, legal_first_name="Eve")
    connection.check_constraints()


@pytest.mark.parametrize(
    ("sql", "pointing", "updated", "deleted"),
    [
        ('SELECT "people_pupil"."id" FROM "people_pupil" FOR UPDATE', set(), {}, set()),
        ('INSERT INTO "audit_auditevent" ("action") VALUES (%s)', {"audit_auditevent"}, {}, set()),
        (
            'UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s',
            {"accounts_user"},
            {"accounts_user": {"last_login"}},
            set(),
        ),
        (
            "INSERT INTO t (organisation_id, a) VALUES (%s, %s) ON CONFLICT (organisation_id) DO UPDATE SET a = 1",
            {"t"},
            {"t": {"a"}},
            set(),
        ),
        ('DELETE FROM "people_pupil" WHERE "people_pupil"."id" IN (%s)', set(), {}, {"people_pupil"}),
        (
            'WITH gone AS (DELETE FROM "a" RETURNING id) UPDATE b SET a_id = NULL, n = 2 FROM gone',
            {"b"},
            {"b": {"a_id", "n"}},
            {"a"},
        ),
    ],
)
def test_it_reads_the_tables_a_statement_writes(sql, pointing, updated, deleted):
    """Inserted or updated tables have their own keys checked; deleted ones (and updated referenced columns)
    the keys that point at them."""
    written = WrittenTables(connections["default"])
    written.note(sql)
    assert (written.pointing, written.updated, written.deleted, written.everything) == (
        pointing,
        updated,
        deleted,
        False,
    )


@pytest.mark.parametrize(
    "sql", ["ALTER TABLE t ADD COLUMN c int", "TRUNCATE t", "CALL p()", "COPY t FROM STDIN"]
)
def test_it_checks_every_key_after_a_statement_it_cannot_read(sql):
    """DDL, TRUNCATE, a procedure, COPY: the next check is the full one."""
    written = WrittenTables(connections["default"])
    written.note(sql)
    assert written.everything
