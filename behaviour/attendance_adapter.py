"""The one place behaviour and support plans reach into the attendance app.

Attendance is built separately and may not be installed or finished: these functions import it lazily
and, when it cannot answer, say so honestly ("attendance not recorded") instead of inventing figures.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError

NOT_RECORDED = "attendance not recorded"


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


def record_suspension_marks(
    *, actor: Any, pupil: Any, start: datetime.date, end: datetime.date, sessions: int | None = None
) -> str:
    """Ask attendance to record code E for every school session from `start` to `end`; say what happened, in words.

    `sessions` is the number the suspension states; attendance marks whole school days (both sessions), so when
    the two differ the note says so for the office to check.
    """
    try:
        from attendance.services import marks_for_suspension
    except (ImportError, AttributeError):
        return NOT_RECORDED
    try:
        changed = marks_for_suspension(actor=actor, pupil=pupil, start=start, end=end, sessions=None)
    except ValidationError as error:
        return f"attendance not updated: {'; '.join(error.messages)}"[:200]
    note = f"code E recorded for {changed} session(s)" if isinstance(changed, int) else "code E recorded"
    if isinstance(changed, int) and sessions is not None and changed not in (0, sessions):
        note += f"; the suspension states {sessions}, please check the register"
    return note
