"""Distribution by organisation (docs/scale-out.md): the schema every engine gets, and on Citus where rows go."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps
from django.urls import reverse

from core import distribution
from core.management.commands.distribute import citus_tables, is_citus
from core.testing.personas import build_school_world, client_for

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="keys are PostgreSQL DDL")


@pytest.fixture
def _citus(db):
    if not is_citus():
        pytest.skip("needs a Citus coordinator (docs/scale-out.md)")


citus_only = pytest.mark.usefixtures("_citus")


def test_it_finds_no_tenant_model_that_cannot_be_distributed():
    assert distribution.check_distribution_keys() == []


@isolate_apps("pastoral")
def test_it_refuses_a_unique_constraint_that_leaves_out_the_organisation():
    from organisations.models import Organisation

    class Caseload(models.Model):  # noqa: DJ008
        organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
        name = models.CharField(max_length=10)
        tags = models.ManyToManyField(Organisation, related_name="+")

        class Meta:
            app_label = "pastoral"
            constraints = [models.UniqueConstraint(fields=["name"], name="caseload_unique_name")]

    problems = distribution.distribution_problems(Caseload)
    assert problems == [
        "unique constraint caseload_unique_name ('name',) leaves out 'organisation'",
        "many-to-many field 'tags' needs an explicit through model with 'organisation'",
    ]


def test_it_classifies_tables_by_their_organisation_field():
    tenants, references = distribution.distributed_tables(), distribution.reference_tables()
    assert {"attendance_attendancemark", "people_pupil", "safeguarding_concern"} <= set(tenants)
    assert {"organisations_organisation", "accounts_user", "organisations_academicyear"} <= set(references)
    assert "audit_auditevent" not in tenants + references  # nullable organisation: on the coordinator
    assert not set(tenants) & set(references)
    assert {"qualifications_edition", "qualifications_cluster"} <= set(references)  # the providers' catalogue


def _constraints(kind: str) -> list[tuple[str, str, list[str]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, array_agg(a.attname ORDER BY k.n) FROM pg_constraint c"
            " CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum"
            " WHERE c.contype = %s AND c.connamespace = 'public'::regnamespace GROUP BY 1, 2",
            [kind],
        )
        return [(table.strip('"'), name, list(columns)) for table, name, columns in cursor.fetchall()]


def _unique_indexes() -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            " AND indexdef LIKE 'CREATE UNIQUE INDEX%%'"
        )
        return list(cursor.fetchall())


@postgresql_only
def test_every_tenant_table_has_the_primary_key_organisation_then_id():
    keys = {table: columns for table, _name, columns in _constraints("p")}
    tenants = distribution.tenant_tables()
    assert tenants and all(keys[table] == ["organisation_id", "id"] for table in tenants)


@postgresql_only
def test_every_unique_constraint_and_index_of_a_tenant_table_includes_the_organisation():
    tenants = set(distribution.tenant_tables())
    missing = [
        (table, name)
        for table, name, columns in _constraints("u")
        if table in tenants and "organisation_id" not in columns
    ]
    missing += [(t, n) for t, n, d in _unique_indexes() if t in tenants and "organisation_id" not in d]
    assert missing == []


@postgresql_only
def test_foreign_keys_between_tenant_tables_of_one_school_are_composite():
    by_name = {(table, name): columns for table, name, columns in _constraints("f")}
    mark_to_pupil = [
        c for (t, n), c in by_name.items() if t == "attendance_attendancemark" and "pupil_id" in c
    ]
    assert mark_to_pupil == [["organisation_id", "pupil_id"]]
    booking_to_edition = [
        c for (t, n), c in by_name.items() if t == "qualifications_booking" and "edition_id" in c
    ]
    assert booking_to_edition == []  # across organisations: checked by the application


@citus_only
def test_after_distribute_no_table_is_left_undistributed_but_the_listed_ones():
    kinds = citus_tables()
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
    tenants, references = set(distribution.distributed_tables()), set(distribution.reference_tables())
    assert {t for t in tenants if kinds.get(t) != "distributed"} == set()
    assert {t for t in references if kinds.get(t) != "reference"} == set()
    leftover = {t for t in present if kinds.get(t) not in ("distributed", "reference")}
    assert leftover <= distribution.COORDINATOR_TABLES
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT colocationid) FROM pg_dist_partition WHERE partmethod = 'h'"
            " AND logicalrelid::regclass::text = ANY(%s)",
            [sorted(tenants)],
        )
        assert cursor.fetchone()[0] == 1  # all co-located


@citus_only
def test_every_unique_constraint_of_a_distributed_table_includes_the_organisation():
    distributed = {t for t, kind in citus_tables().items() if kind == "distributed"}
    assert distributed
    without = [
        (t, n)
        for t, n, c in _constraints("u") + _constraints("p")
        if t in distributed and "organisation_id" not in c
    ]
    assert without == []


# What Citus sends every node of an open transaction (the test's own savepoints), not a query for rows.
TRANSACTION_CONTROL = (
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "PREPARE",
    "SAVEPOINT",
    "RELEASE",
    "SELECT assign_distributed_transaction_id",
)


@contextlib.contextmanager
def workers_touched() -> Iterator[set[int]]:
    """The worker ports Citus sends commands to inside the block (citus.log_remote_commands)."""
    ports: set[int] = set()
    connection.ensure_connection()
    raw = connection.connection

    def notice(diagnostic) -> None:
        match = re.search(r"@[^:]+:(\d+)", diagnostic.message_detail or "")
        command = (diagnostic.message_primary or "").removeprefix("issuing ")
        if match and not command.startswith(TRANSACTION_CONTROL):
            ports.add(int(match.group(1)))

    with connection.cursor() as cursor:
        cursor.execute("SELECT nodeport FROM pg_dist_node WHERE shouldhaveshards")
        workers = {row[0] for row in cursor.fetchall()}
        cursor.execute("SET citus.log_remote_commands = on")
    raw.add_notice_handler(notice)
    try:
        yield ports
    finally:
        raw.remove_notice_handler(notice)
        with connection.cursor() as cursor:
            cursor.execute("RESET citus.log_remote_commands")
        ports &= workers


@citus_only
def test_a_register_save_and_a_pupil_page_touch_one_worker():
    from attendance import services
    from attendance.tests.test_registers import DAY

    world = build_school_world()
    with workers_touched() as saved:
        services.save_register(
            actor=world.tutor,
            group=world.group_9a,
            date=DAY,
            session="AM",
            entries={world.alice.pk: services.Entry("/", original="")},
            reason="",
        )
    client = client_for(world.tutor)
    with workers_touched() as page:
        assert client.get(reverse("people:pupil_detail", args=[world.alice.pk])).status_code == 200
    assert len(saved) == 1 and len(page) == 1 and saved == page


def _worker_of(organisation_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nodeport FROM pg_dist_placement p JOIN pg_dist_node n ON n.groupid = p.groupid"
            " WHERE p.shardid = get_shard_id_for_distribution_column('people_pupil', %s)",
            [organisation_id],
        )
        return cursor.fetchone()[0]


@citus_only
def test_a_trust_wide_absence_list_runs_on_every_worker_holding_its_schools():
    import datetime

    from access.models import RoleAssignment
    from access.roles import Role
    from core.testing.factories import OrganisationFactory, UserFactory

    world = build_school_world()
    trust = OrganisationFactory(name="Oak Trust", kind="group")
    world.school.parent = trust
    world.school.save()
    first = _worker_of(world.school.pk)
    for _ in range(40):  # a member school whose rows hash to the other worker
        other = OrganisationFactory(kind="school", parent=trust)
        if _worker_of(other.pk) != first:
            break
    assert _worker_of(other.pk) != first
    leader = UserFactory()
    RoleAssignment.objects.create(
        organisation=trust, user=leader, role=Role.SENIOR_LEADER, starts_on=datetime.date(2020, 1, 1)
    )
    with workers_touched() as listed:
        assert client_for(leader).get(reverse("attendance:absence_list")).status_code == 200
    assert listed == {first, _worker_of(other.pk)}


@citus_only
def test_a_register_save_and_a_mark_amendment_lock_without_asking_for_the_organisation(monkeypatch):
    """Their row locks name the school, so the lock compiler's probe (core/db/postgresql/compiler.py) never runs
    on the hot path."""
    from attendance import services
    from attendance.tests.test_registers import DAY
    from core.db.postgresql.compiler import SQLCompiler

    def probe(self, query):
        raise AssertionError(f"a lock without the organisation on {query.model._meta.label}")

    monkeypatch.setattr(SQLCompiler, "_organisations_of", probe)
    world = build_school_world()
    entries = {world.alice.pk: services.Entry("/", original="")}
    services.save_register(
        actor=world.tutor, group=world.group_9a, date=DAY, session="AM", entries=entries, reason=""
    )
    amendment = {"code": "N", "reason": "left early"}
    services.amend_mark(actor=world.tutor, pupil=world.alice, date=DAY, session="AM", **amendment)
