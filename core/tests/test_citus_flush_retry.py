"""The flush after a transactional test on Citus is run again when Citus cancels it for a distributed deadlock
(`core.testing.citus.ChangedTablesFlush.flush_retrying`), and only then."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from core.testing import citus
from core.testing.citus import ChangedTablesFlush


class _DriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _flush_failing(times: int, sqlstate: str) -> tuple[ChangedTablesFlush, list[list[str]]]:
    """A flush whose statements fail `times` times with the driver's `sqlstate`, then run; and the runs tried."""
    flush = ChangedTablesFlush(connection)
    tried: list[list[str]] = []

    def execute(sql_list: list[str]) -> None:
        tried.append(sql_list)
        if len(tried) <= times:
            raise OperationalError("cancelled") from _DriverError(sqlstate)

    flush.execute_flush = execute
    return flush, tried


@pytest.fixture(autouse=True)
def _no_pause(monkeypatch):
    monkeypatch.setattr(citus.time, "sleep", lambda seconds: None)


def test_a_flush_cancelled_for_a_distributed_deadlock_is_run_again():
    flush, tried = _flush_failing(times=1, sqlstate="40P01")
    flush.flush_retrying(['DELETE FROM "organisations_organisation";'])
    assert len(tried) == 2


def test_a_flush_that_fails_for_another_reason_is_not_run_again():
    flush, tried = _flush_failing(times=1, sqlstate="42P01")  # undefined_table
    with pytest.raises(OperationalError):
        flush.flush_retrying(['DELETE FROM "organisations_organisation";'])
    assert len(tried) == 1


def test_a_flush_cancelled_at_every_attempt_fails_on_the_last():
    flush, tried = _flush_failing(times=5, sqlstate="40P01")
    with pytest.raises(OperationalError):
        flush.flush_retrying(['DELETE FROM "organisations_organisation";'], attempts=3)
    assert len(tried) == 3
