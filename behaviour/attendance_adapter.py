"""The one place behaviour and support plans reach into the attendance app.

Attendance is always installed; when it holds no marks for the period it cannot answer, and these functions say
so honestly ("attendance not recorded") instead of inventing figures. Only attendance's public interface is used
(docs/attendance.md): `marks_for_suspension`, `amend_mark`, `pupil_session_codes` and `pupil_attendance_summary`. School days come from the foundation's calendar
(`organisations/calendar.py`), which is always there.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from attendance.selectors import pupil_attendance_summary, pupil_session_codes
from attendance.services import amend_mark, marks_for_suspension

NOT_RECORDED = "attendance not recorded"
SESSIONS = ("AM", "PM")
# What a session no longer covered by a suspension becomes: the school cannot know what the pupil did, so the
# office establishes it from the N queue ("reason not yet established").
EXCLUDED_CODE = "E"
REVERTED_CODE = "N"


def attendance_summary(*, pupil: Any, start: datetime.date, end: datetime.date) -> dict[str, Any] | None:
    """The attendance app's summary for a pupil over a period, or None when attendance is not recorded."""
    try:
        summary = pupil_attendance_summary(pupil=pupil, start=start, end=end)
    except (LookupError, AttributeError):
        return None
    if not summary or not summary.get("possible"):
        return None
    return summary


@dataclass
class MarksResult:
    """What attendance did: how many sessions it changed, or why it refused."""

    changed: int = 0
    error: str = ""


def mark_excluded(*, actor: Any, pupil: Any, days: Iterable[datetime.date], reason: str) -> MarksResult:
    """Code E for both sessions of each of `days` (attendance skips weekends and closures, and marks already E)."""
    pairs = [(day, session) for day in sorted(days) for session in SESSIONS]
    if not pairs:
        return MarksResult()
    start, end = pairs[0][0], pairs[-1][0]
    try:
        changed = marks_for_suspension(
            actor=actor, pupil=pupil, start=start, end=end, sessions=pairs, reason=reason
        )
    except ValidationError as error:
        return MarksResult(error=f"attendance not updated: {'; '.join(error.messages)}"[:200])
    return MarksResult(changed=changed if isinstance(changed, int) else 0)


def unmark_excluded(*, actor: Any, pupil: Any, days: Iterable[datetime.date], reason: str) -> MarksResult:
    """Sessions of `days` that still hold E go back to N, with `reason`, for the office to establish.

    Each session is read (`attendance.selectors.pupil_session_codes`): a session still marked `E` becomes `N`;
    one the school has already changed (the tutor marked the pupil present, the office recorded `I`…) is left
    as the school set it.
    """
    days = sorted(days)
    if not days:
        return MarksResult()
    result = MarksResult()
    wanted = set(days)
    try:
        codes = pupil_session_codes(pupil=pupil, start=days[0], end=days[-1])
        for (day, session), code in sorted(codes.items()):
            if day in wanted and code == EXCLUDED_CODE:
                amend_mark(
                    actor=actor, pupil=pupil, date=day, session=session, code=REVERTED_CODE, reason=reason
                )
                result.changed += 1
    except ValidationError as error:
        result.error = f"attendance not updated: {'; '.join(error.messages)}"[:200]
    return result
