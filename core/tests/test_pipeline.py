"""`core.db.pipeline`: statements sent together on a Citus coordinator (or where the settings ask), one by one
elsewhere; either way what they write and the errors they raise are the same."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from core.db import pipeline, prepared_cursor
from core.distribution import is_citus_connection
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipelined():
    """The default database with pipelines switched on (on PostgreSQL; SQLite has none)."""
    if connection.vendor != "postgresql":
        pytest.skip("pipeline mode is PostgreSQL's")
    connection.settings_dict["PIPELINE"] = True
    try:
        yield connection
    finally:
        del connection.settings_dict["PIPELINE"]


def _in_pipeline() -> bool:
    return getattr(connection.connection, "_pipeline", None) is not None  # psycopg's, while one is open


def test_it_is_on_by_default_only_on_a_citus_coordinator():
    seen = []
    with pipeline():
        seen.append(_in_pipeline())
    assert seen == [connection.vendor == "postgresql" and is_citus_connection(connection)]


def test_the_settings_switch_it_on_and_off(pipelined):
    with pipeline():
        assert _in_pipeline()
    connection.settings_dict["PIPELINE"] = False
    with pipeline():
        assert not _in_pipeline()


def test_statements_sent_together_write_what_they_would_one_by_one_and_a_fetch_waits_for_its_answer(
    pipelined,
):
    school = Organisation.objects.create(
        name="Pipe School", slug="pipe-school", kind=Organisation.Kind.SCHOOL
    )
    with transaction.atomic(), pipeline(), prepared_cursor() as first, prepared_cursor() as second:
        first.execute("UPDATE organisations_organisation SET name = %s WHERE id = %s", ["Renamed", school.pk])
        second.execute("SELECT name FROM organisations_organisation WHERE id = %s", [school.pk])
        assert second.fetchone() == ("Renamed",)  # sent after the update, answered after it
    school.refresh_from_db()
    assert school.name == "Renamed"


def test_an_error_in_a_pipeline_comes_out_as_djangos_and_the_transaction_writes_nothing(pipelined):
    school = Organisation.objects.create(
        name="Pipe School", slug="pipe-school", kind=Organisation.Kind.SCHOOL
    )
    with connection.cursor() as cursor:  # dropped with the test's transaction
        cursor.execute("CREATE TEMPORARY TABLE pipe_probe (id integer PRIMARY KEY)")
    insert = "INSERT INTO pipe_probe (id) VALUES (%s)"
    with pytest.raises(IntegrityError), transaction.atomic(), pipeline(), prepared_cursor() as cursor:
        cursor.execute("UPDATE organisations_organisation SET name = %s WHERE id = %s", ["Lost", school.pk])
        cursor.execute(insert, [1])
        cursor.execute(
            insert, [1]
        )  # a duplicate key: refused, though nothing waits for this statement's answer
    school.refresh_from_db()
    assert school.name == "Pipe School"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pipe_probe")
        assert cursor.fetchone() == (0,)
