"""Background work: the nightly automatic escalation for schools that switched it on."""

from __future__ import annotations

import datetime

from django_tasks import task

from attendance import services


@task()
def escalate_due(today_iso: str) -> int:
    """Record the escalation stages due at every school with automatic escalation on; returns how many."""
    done = services.escalate_automatically(today=datetime.date.fromisoformat(today_iso))
    return sum(done.values())
