"""Attendance writes, by concern: registers, lessons, follow-up, escalation, and retention (the MIS marks import is attendance/imports.py).

Every name other apps (and attendance's own views and commands) import from `attendance.services` is
re-exported here. Reads that used to live here (`letter_text`, `retention_counts`) are selectors now and are
re-exported for the same reason.
"""

from attendance.selectors.followup import letter_text
from attendance.selectors.retention import RetentionCounts, retention_counts
from attendance.services.escalation import AUTOMATIC_NOTE, escalate_automatically, record_due_escalations
from attendance.services.followup import escalate, letter_pdf, log_contact
from attendance.services.lessons import LESSON_NAME_MAX, LessonRegisterResult, save_lesson_register
from attendance.services.registers import (
    BEFORE_CLOSE_REASON,
    Entry,
    RegisterResult,
    amend_mark,
    marks_for_suspension,
    resolve_n,
    save_register,
)
from attendance.services.retention import apply_retention

__all__ = [
    "AUTOMATIC_NOTE",
    "BEFORE_CLOSE_REASON",
    "LESSON_NAME_MAX",
    "Entry",
    "LessonRegisterResult",
    "RegisterResult",
    "RetentionCounts",
    "amend_mark",
    "apply_retention",
    "escalate",
    "escalate_automatically",
    "letter_pdf",
    "letter_text",
    "log_contact",
    "marks_for_suspension",
    "record_due_escalations",
    "resolve_n",
    "retention_counts",
    "save_lesson_register",
    "save_register",
]
