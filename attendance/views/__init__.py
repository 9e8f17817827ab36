"""Attendance screens by concern, one thin view each; rules in attendance/permissions.py, reads in selectors,
writes in services. The URLconf (attendance/urls.py) names them through this package."""

from attendance.views.escalation import edit_stage, escalations_due
from attendance.views.figures import absence_list, dashboard
from attendance.views.followup import (
    amend,
    escalate,
    first_day_calls,
    letter,
    log_contact,
    n_queue,
    pal_view,
    pupil_history,
    resolve_n,
)
from attendance.views.lessons import lesson_registers, take_lesson_register, truancy
from attendance.views.registers import my_registers, not_taken, take_register
from attendance.views.setup import settings_view

__all__ = [
    "absence_list",
    "amend",
    "dashboard",
    "edit_stage",
    "escalate",
    "escalations_due",
    "first_day_calls",
    "lesson_registers",
    "letter",
    "log_contact",
    "my_registers",
    "n_queue",
    "not_taken",
    "pal_view",
    "pupil_history",
    "resolve_n",
    "settings_view",
    "take_lesson_register",
    "take_register",
    "truancy",
]
