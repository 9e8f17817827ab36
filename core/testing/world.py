"""A test module's world built once, not once per test: `world = shared_world()` in the module.

The world (by default `build_school_world()`; a module's own builder when it changes the world first) is built when
the module's first test asks for it, inside an outer `atomic()` that is rolled back after the module's last test.
Each test's own transaction is then a savepoint inside it (rolled back per test, so a test that writes leaves the
next one the world as built), and each test gets its own `copy.deepcopy` of the world's objects, as Django's
`TestCase.setUpTestData` does: what one test caches or sets on `world.alice` (access grants, the last record
fetched, a changed field) never reaches the next.

The factories read today (memberships start 60 days back, roles a year back): a module whose world is built on a
chosen day passes it as `at=` and the clock is stopped there while the world is built and during every test that
uses it, as `fixed_clock` in a per-test fixture did. Only for modules of plain database tests: a `transaction=True`
or live-server test flushes the database and cannot run inside the outer transaction (keep those in a module of
their own). docs/architecture.md, "Tests", says how to convert a module.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from core.testing.personas import build_school_world


def shared_world(
    build: Callable[[], Any] = build_school_world, *, at: datetime.datetime | None = None
) -> Any:
    """A `world` fixture for a module: `build()` run once per module, a fresh deep copy for each test."""

    @pytest.fixture
    def world(shared_world_built: Any, db: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
        # `db` after the module's world: the test's own transaction is a savepoint inside the module's.
        if at is not None:
            monkeypatch.setattr(timezone, "now", lambda: at)
        return copy.deepcopy(shared_world_built)

    world.shared_world = (build, at)  # type: ignore[attr-defined]  # read by `shared_world_built`
    return world


@pytest.fixture(scope="module")
def shared_world_built(
    request: pytest.FixtureRequest,
    django_db_setup: Any,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    """The module's world, built once inside an outer transaction rolled back after the module's last test (any
    file it uploads in a temporary folder: never the working tree's var/)."""
    build, at = request.module.world.shared_world
    uploads = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("uploads"))
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock(), uploads:
        if at is not None:
            patch.setattr(timezone, "now", lambda: at)
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
