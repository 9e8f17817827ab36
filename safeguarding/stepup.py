"""Step-up: opening a child's safeguarding records needs a second factor verified within the last
`SAFEGUARDING_STEP_UP_MINUTES` (default 15) in this session.

The sign-in's own TOTP check is not counted (accounts does not stamp when it happened); the step-up page
(`safeguarding:step_up`) verifies a fresh code and stamps the session with the time.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "safeguarding_step_up_at"


def window_seconds() -> int:
    return int(getattr(settings, "SAFEGUARDING_STEP_UP_MINUTES", 15)) * 60


def is_fresh(session: Any, now: float | None = None) -> bool:
    """Whether this session verified a second factor for safeguarding within the window."""
    stamped = session.get(SESSION_KEY)
    if stamped is None:
        return False
    now = time.time() if now is None else now
    return 0 <= now - float(stamped) <= window_seconds()


def stamp(session: Any, now: float | None = None) -> None:
    session[SESSION_KEY] = time.time() if now is None else now


def step_up_redirect(request: HttpRequest) -> HttpResponse | None:
    """A redirect to the step-up page (and back) when the second factor is not fresh, else None.

    Views call it after fetching the record, so a record outside reach is still 404 and one outside the role 403."""
    if is_fresh(request.session):
        return None
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('safeguarding:step_up')}?{query}")
