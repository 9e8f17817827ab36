"""The demo world the demo's page tests share (the sign-ins, the link walk, the subject-access export)."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.test import override_settings

from demo.world import build_world

# A Monday in term: the world's registers, plans and incidents are all current.
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo world with every app's builder, small, on a fixed day: built once for the module that asks for it
    and rolled back after it. Its uploads (course materials, attachments) go to a temporary folder of the
    module's, never the working tree's var/; a module that downloads them keeps that folder for its tests (see
    test_demo_links)."""
    uploads = tmp_path_factory.mktemp("uploads")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=uploads), transaction.atomic():
        built = build_world(today=TODAY, pupils_per_school=40)
        yield built
        transaction.set_rollback(True)
