"""On Citus the flush after a transactional test empties only the tables the test changed (and those that held rows
when the test database was made), not every table (`core.testing.citus.ChangedTablesFlush`)."""

from __future__ import annotations

import pytest
from django.core.management.color import no_style
from django.db import connection

from core.testing.citus import ChangedTablesFlush, skip_unless_distributed_citus
from core.testing.factories import OrganisationFactory
from organisations.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_flush_empties_the_table_a_test_wrote_and_leaves_one_it_never_touched():
    skip_unless_distributed_citus()
    flush = ChangedTablesFlush(connection)
    flush.empty()  # as the test database begins: every table emptied by TRUNCATE
    OrganisationFactory(name="Oakfield School", slug="oakfield")
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    sql = flush.sql_flush(no_style(), tables)
    assert 'DELETE FROM "organisations_organisation";' in sql
    assert not any("early_warning_keptlist" in statement for statement in sql)
    connection.ops.execute_sql_flush(sql)
    assert not Organisation.objects.filter(slug="oakfield").exists()
