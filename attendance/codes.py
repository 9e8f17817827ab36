"""The national attendance codes (England, from 19 August 2024) and how each one counts (standards.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Category(IntEnum):
    """How a code counts. Stored on every mark as a small integer so figures are one aggregate query."""

    PRESENT = 1
    ATTENDING = 2  # approved educational activity
    AUTHORISED = 3
    UNAUTHORISED = 4
    NOT_POSSIBLE = 5  # not a possible session
    NOT_COUNTED = 6  # not yet on roll; planned closure

    @property
    def label(self) -> str:
        return {
            1: "present",
            2: "attending (approved educational activity)",
            3: "authorised absence",
            4: "unauthorised absence",
            5: "not a possible session",
            6: "not counted",
        }[int(self)]


# Categories 1-4 are possible sessions; 1-2 attended; 3-4 absent.
POSSIBLE_MAX = Category.UNAUTHORISED


@dataclass(frozen=True)
class Code:
    code: str
    meaning: str
    category: Category


_TABLE = [
    ("/", "Present (morning)", Category.PRESENT),
    ("\\", "Present (afternoon)", Category.PRESENT),
    ("L", "Late, arrived before the register closed", Category.PRESENT),
    ("K", "Education arranged by the local authority", Category.ATTENDING),
    ("V", "Educational visit or trip", Category.ATTENDING),
    ("P", "Approved sporting activity", Category.ATTENDING),
    ("W", "Work experience", Category.ATTENDING),
    ("B", "Other approved supervised off-site education", Category.ATTENDING),
    ("C1", "Regulated performance or employment abroad", Category.AUTHORISED),
    ("M", "Medical or dental appointment", Category.AUTHORISED),
    ("J1", "Interview", Category.AUTHORISED),
    ("S", "Study leave", Category.AUTHORISED),
    ("C2", "Part-time timetable", Category.AUTHORISED),
    ("C", "Exceptional circumstances", Category.AUTHORISED),
    ("T", "Parent travelling for work", Category.AUTHORISED),
    ("R", "Religious observance", Category.AUTHORISED),
    ("I", "Illness", Category.AUTHORISED),
    ("E", "Suspended or excluded, no alternative provision", Category.AUTHORISED),
    ("G", "Holiday not granted by the school", Category.UNAUTHORISED),
    ("N", "Reason not yet established", Category.UNAUTHORISED),
    ("O", "Other or unknown unauthorised absence", Category.UNAUTHORISED),
    ("U", "Arrived after the register closed", Category.UNAUTHORISED),
    ("D", "Dual registered, attending the other school", Category.NOT_POSSIBLE),
    ("X", "Non-compulsory school age, not required to attend", Category.NOT_POSSIBLE),
    ("Q", "No access arrangements available", Category.NOT_POSSIBLE),
    ("Y1", "Transport not available", Category.NOT_POSSIBLE),
    ("Y2", "Widespread travel disruption", Category.NOT_POSSIBLE),
    ("Y3", "Part of the school closed", Category.NOT_POSSIBLE),
    ("Y4", "Whole school closed unexpectedly", Category.NOT_POSSIBLE),
    ("Y5", "Criminal-justice detention", Category.NOT_POSSIBLE),
    ("Y6", "Public-health guidance or law", Category.NOT_POSSIBLE),
    ("Y7", "Other unavoidable cause", Category.NOT_POSSIBLE),
    ("Z", "Not yet on roll", Category.NOT_COUNTED),
    ("#", "Planned whole or partial school closure", Category.NOT_COUNTED),
]

CODES: dict[str, Code] = {c: Code(c, m, cat) for c, m, cat in _TABLE}
CODE_CHOICES = [(c.code, f"{c.code} {c.meaning}") for c in CODES.values()]
PRESENT_CODES = ("/", "\\")
# Codes an MIS or the office can record that a tutor's register may not (closures are set by the school).
TUTOR_CODES = [
    c
    for c in CODES
    if CODES[c].category in (Category.PRESENT, Category.ATTENDING, Category.AUTHORISED, Category.UNAUTHORISED)
]


def category_of(code: str) -> Category:
    """The category of a code; KeyError for a code that is not national."""
    return CODES[code].category


def present_code(session: str) -> str:
    """`/` in the morning, `\\` in the afternoon."""
    return "/" if session == "AM" else "\\"


def register_codes(session: str) -> list[str]:
    """The codes a tutor's register offers for a session: `TUTOR_CODES` but the other half-day's present code (a
    morning register offers `/`, not `\\`)."""
    other = present_code("PM" if session == "AM" else "AM")
    return [c for c in TUTOR_CODES if c != other]


def n_resolution_codes(session: str | None = None) -> list[str]:
    """The codes an `N` (reason not yet established) may become: what the school learned about the session.

    Every code but `N` itself, the codes of the category "not counted" (`Z` not yet on roll, `#` planned closure:
    they say the session was never the pupil's to attend, which is the register's business, not a reason), and the
    other half-day's present code (`\\` for a morning N, `/` for an afternoon one) when the session is given.
    """
    other_present = {present_code(s) for s in ("AM", "PM") if s != session} if session else set()
    return [
        c.code
        for c in CODES.values()
        if c.code != "N" and c.category != Category.NOT_COUNTED and c.code not in other_present
    ]


def codes_in(*categories: Category) -> list[str]:
    return [c.code for c in CODES.values() if c.category in categories]
