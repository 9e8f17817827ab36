"""Building safeguarding records for tests, through the real services."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.utils import timezone

from core.testing.personas import client_for
from safeguarding import services, stepup

CONCERN = {
    "category": "neglect",
    "location": "Form room",
    "seen_or_heard": "Came in hungry and without a coat.",
    "child_words": "There's no food at home.",
    "others_present": "TA",
}


def concern_data(**overrides: Any) -> dict[str, Any]:
    data = {**CONCERN, "happened_at": timezone.now() - datetime.timedelta(hours=1)}
    data.update(overrides)
    return data


def log(world: Any, pupil: Any = None, actor: Any = None, **overrides: Any) -> Any:
    return services.concern_log(
        actor=actor or world.tutor, pupil=pupil or world.alice, **concern_data(**overrides)
    )


def stepped_up(user: Any, at: float | None = None) -> Any:
    """A signed-in client whose safeguarding step-up was verified at `at` (now unless told)."""
    client = client_for(user)
    session = client.session
    stepup.stamp(session, time.time() if at is None else at)
    session.save()
    return client
