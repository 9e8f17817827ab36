"""A download of the statistics (insights) is on the audit log of the school, or group of schools, it came from."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.personas import build_group_of_schools, client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


world = shared_world()


def _export_log(user) -> str:
    return client_for(user).get(reverse("audit:event_list"), {"action": "export"}).content.decode()


def test_it_shows_a_senior_leaders_csv_and_xlsx_exports_on_the_schools_audit_log(world):
    """Both downloads are filed under Oakfield and listed on its administrator's log, not on Riverside's."""
    client = client_for(world.senior)
    for export, fmt in (("headline", "csv"), ("breakdown", "xlsx")):
        response = client.get(reverse("insights:dashboard"), {"export": export, "format": fmt})
        assert response.status_code == 200
    events = AuditEvent.objects.filter(action="export", note__startswith="insights ")
    assert sorted(events.values_list("organisation_id", flat=True)) == [world.school.pk] * 2
    page = _export_log(world.admin)
    assert "insights headline (Oakfield" in page and "insights breakdown (Oakfield" in page
    assert "not suppressed, xlsx" in page and "sue@oakfield.test" in page
    assert "insights headline" not in _export_log(world.other_admin)


def test_it_files_a_group_of_schools_export_under_the_group():
    """The trust leader's download is on the trust's log, with "suppressed", and not on a member school's."""
    vale = build_group_of_schools("North School")
    response = client_for(vale.leader).get(reverse("insights:dashboard"), {"export": "headline"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export", note__startswith="insights headline")
    assert event.organisation_id == vale.trust.pk
    assert "insights headline (Vale Trust" in _export_log(vale.leader)
    assert ", suppressed, csv" in _export_log(vale.leader)
    assert "insights headline" not in _export_log(vale.head)
