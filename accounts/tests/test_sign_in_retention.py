"""Sign-in attempts are kept 90 days: `manage.py retention` (its `sign_in` job) deletes older ones, only with --apply."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import SignInAttempt
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2031, 3, 1)


def attempt_on(day: datetime.date, hour: int = 0) -> SignInAttempt:
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return SignInAttempt.objects.create(
        email="tess@oakfield.test", outcome="failure", ip_address="10.0.0.1", at=at
    )


def test_it_deletes_attempts_older_than_ninety_days_only_with_apply():
    """A dry run counts; --apply deletes what is before local midnight 90 days ago, keeps the rest, audits once."""
    old = attempt_on(TODAY - datetime.timedelta(days=91), hour=23)
    edge = attempt_on(TODAY - datetime.timedelta(days=90))  # local midnight 90 days ago: kept
    recent = attempt_on(TODAY - datetime.timedelta(days=1))
    out = StringIO()
    call_command("retention", "--only", "sign_in", "--date", TODAY.isoformat(), stdout=out)
    assert "1 sign-in attempt(s) older than 90 days to delete (dry run" in out.getvalue()
    assert SignInAttempt.objects.count() == 3
    call_command("retention", "--only", "sign_in", "--apply", "--date", TODAY.isoformat(), stdout=out)
    assert set(SignInAttempt.objects.values_list("pk", flat=True)) == {edge.pk, recent.pk}
    assert not SignInAttempt.objects.filter(pk=old.pk).exists()
    event = AuditEvent.objects.get(action="delete", object_type="accounts.SignInAttempt")
    assert event.changes == {"sign_in_attempts": [1, 0]}
    call_command(
        "retention", "--only", "sign_in", "--apply", "--date", TODAY.isoformat(), stdout=out
    )  # nothing more to do
    assert AuditEvent.objects.filter(action="delete", object_type="accounts.SignInAttempt").count() == 1
