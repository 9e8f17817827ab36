"""The one place behaviour and support plans reach into the attendance app.

Attendance is built separately and may not be installed or finished: these functions import it lazily
and, when it cannot answer, say so honestly ("attendance not recorded") instead of inventing figures.
"""

from __future__ import annotations

import datetime
from typing import Any

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
    """Ask attendance to record code E for the suspension; answer what happened, in words."""
    try:
        from attendance.services import marks_for_suspension
    except (ImportError, AttributeError):
        return NOT_RECORDED
    result = marks_for_suspension(actor=actor, pupil=pupil, start=start, end=end, sessions=sessions)
    count = len(result) if hasattr(result, "__len__") else result
    return f"code E recorded for {count} session(s)" if count is not None else "code E recorded"
