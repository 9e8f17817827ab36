"""Who may see and write coaching sessions, listening notes, passports and progression.

- Coaching sessions and passports follow the eLLP (`can_read_student` / `can_write_student`): the student's PAL,
  head of year, a senior leader.
- Listening notes are sensitive: only the student's current PAL and the DSL team for the student read them (each
  read audited); the student's PAL writes them. A head of year or senior leader who is not on the DSL team does not.
- The school's passports (their checklists) are set by its senior leaders and administrators (`can_assign`).
"""

from __future__ import annotations

from typing import Any

from caseloads.permissions import _in_caseload, can_assign, can_read_student, can_write_student

__all__ = [
    "can_assign",
    "can_manage_passports",
    "can_read_note",
    "can_read_student",
    "can_write_note",
    "can_write_student",
]


def _dsl_team(user: Any, pupil: Any) -> bool:
    from safeguarding.permissions import can_view_file

    return can_view_file(user, pupil)


def can_write_note(user: Any, pupil: Any) -> bool:
    """Write a listening note about a student: their current PAL."""
    return _in_caseload(user, pupil)


def can_read_note(user: Any, note: Any) -> bool:
    """Read a listening note: the student's current PAL and the DSL team for the student."""
    return _in_caseload(user, note.pupil) or _dsl_team(user, note.pupil)


def can_manage_passports(user: Any, organisation: Any) -> bool:
    return can_assign(user, organisation)
