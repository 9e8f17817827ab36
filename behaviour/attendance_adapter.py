"""The one place behaviour and support plans reach into the attendance app.

Attendance is built separately and may not be installed or finished: these functions import it lazily
and, when it cannot answer, say so honestly ("attendance not recorded") instead of inventing figures.
Only attendance's public interface is used (docs/attendance.md): `marks_for_suspension`, `amend_mark` and
`pupil_attendance_summary`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

NOT_RECORDED = "attendance not recorded"
SESSIONS = ("AM", "PM")
# What a session no longer covered by a suspension becomes: the school cannot know what the pupil did, so the
# office establishes it from the N queue ("reason not yet established").
REVERTED_CODE = "N"


def attendance_summary(*, pupil: Any, start: datetime.date, end: datetime.date) -> dict[str, Any] | None:
    """The attendance app's summary for a pupil over a period, or None when attendance is not recorded."""
    try:
        from attendance.selectors import pupil_attendance_summary
    except (ImportError, AttributeError):
        return None
    try:
        summary = pupil_attendance_summary(pupil=pupil, start=start, end=end)
    except (LookupError, AttributeError):
        return None
    if not summary or not summary.get("possible"):
        return None
    return summary


@dataclass
class MarksResult:
    """What attendance did: `available` is False when the attendance app is not there."""

    available: bool = True
    changed: int = 0
    unclear: list[datetime.date] = field(default_factory=list)
    error: str = ""


def mark_excluded(*, actor: Any, pupil: Any, days: Iterable[datetime.date], reason: str) -> MarksResult:
    """Code E for both sessions of each of `days` (attendance skips weekends and closures, and marks already E)."""
    pairs = [(day, session) for day in sorted(days) for session in SESSIONS]
    if not pairs:
        return MarksResult()
    try:
        from attendance.services import marks_for_suspension
    except (ImportError, AttributeError):
        return MarksResult(available=False)
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

    Attendance's public interface has no read of one session's code, only a day's figures by category. A day
    whose every possible session is an authorised absence is taken to still hold the E we recorded and both its
    sessions become N; a day with no authorised absence was already changed by the school and is left alone;
    a day with a mixture cannot be read session by session, so it is left as it is and listed in `unclear` for
    the office to check.
    """
    days = sorted(days)
    if not days:
        return MarksResult()
    try:
        from attendance.selectors import pupil_attendance_summary
        from attendance.services import amend_mark
    except (ImportError, AttributeError):
        return MarksResult(available=False)
    result = MarksResult()
    try:
        for day in days:
            figures = pupil_attendance_summary(pupil=pupil, start=day, end=day)
            authorised, possible = figures.get("authorised") or 0, figures.get("possible") or 0
            if authorised == 0:
                continue
            if authorised == possible == len(SESSIONS):
                for session in SESSIONS:
                    amend_mark(
                        actor=actor, pupil=pupil, date=day, session=session, code=REVERTED_CODE, reason=reason
                    )
                    result.changed += 1
            else:
                result.unclear.append(day)
    except ValidationError as error:
        result.error = f"attendance not updated: {'; '.join(error.messages)}"[:200]
    return result
