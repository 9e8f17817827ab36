"""The words and year groups an organisation uses, from its kind and phase.

A secondary school has Years 7 to 13 and pupils; a junior or prep school Reception to Year 8; a college has
students in their first and second years (16–18) and adult learners, identified by ULN rather than UPN. Every
filter, label and search box that names learners or year groups asks here rather than writing "Pupils" or
"Reception–Year 13" itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from organisations.models import Organisation

#: National curriculum years offered by phase (0 is Reception; 14 and above are adult learners).
PHASE_YEARS: dict[str, range] = {
    Organisation.Phase.JUNIOR: range(0, 9),
    Organisation.Phase.SENIOR: range(7, 14),
    Organisation.Phase.ALL_THROUGH: range(0, 14),
    Organisation.Phase.FURTHER: range(12, 15),
}
ALL_YEARS = range(0, 15)
COLLEGE_YEAR_NAMES = {12: "First year (16–17)", 13: "Second year (17–18)", 14: "Adult learners (19+)"}


@dataclass(frozen=True)
class Vocabulary:
    """How an organisation names its learners and their national identifier."""

    pupil: str
    pupils: str
    identifier: str
    college: bool

    @property
    def Pupil(self) -> str:  # noqa: N802 - the capitalised form templates use at the start of a sentence
        return self.pupil.capitalize()

    @property
    def Pupils(self) -> str:  # noqa: N802
        return self.pupils.capitalize()

    def year_label(self, year: int) -> str:
        return year_label(year, college=self.college)


SCHOOL_WORDS = Vocabulary(pupil="pupil", pupils="pupils", identifier="UPN", college=False)
COLLEGE_WORDS = Vocabulary(pupil="student", pupils="students", identifier="ULN", college=True)


def _is_college(organisation: Organisation) -> bool:
    if organisation.kind == Organisation.Kind.COLLEGE or organisation.phase == Organisation.Phase.FURTHER:
        return True
    if organisation.kind == Organisation.Kind.GROUP:
        members = list(organisation.members.values_list("kind", "phase"))
        return bool(members) and all(
            kind == Organisation.Kind.COLLEGE or phase == Organisation.Phase.FURTHER
            for kind, phase in members
        )
    return False


def vocabulary_for(organisation: Organisation | None) -> Vocabulary:
    """The words for `organisation`'s learners (a school's when none is chosen)."""
    if organisation is not None and _is_college(organisation):
        return COLLEGE_WORDS
    return SCHOOL_WORDS


def year_label(year: int, *, college: bool = False) -> str:
    """'Reception', 'Year 9'; in a college 'First year (16–17)' for NC year 12 and 'Adult learners (19+)' from 14."""
    if college and year >= 12:
        return COLLEGE_YEAR_NAMES[min(year, 14)]
    if year >= 14:
        return "Adult learners (19+)"
    return "Reception" if year == 0 else f"Year {year}"


def years_for(organisations: Iterable[Organisation]) -> list[int]:
    """The year groups the organisations teach, by phase (a group of schools: its members'); every year when a
    phase is not recorded."""
    years: set[int] = set()
    for organisation in organisations:
        if organisation.kind == Organisation.Kind.GROUP:
            years.update(years_for(organisation.members.all()))
            continue
        phase = organisation.phase or (
            Organisation.Phase.FURTHER if organisation.kind == Organisation.Kind.COLLEGE else ""
        )
        years.update(PHASE_YEARS.get(phase, ALL_YEARS))
    return sorted(years) if years else list(ALL_YEARS)


def year_choices(organisations: Iterable[Organisation], *, blank: str) -> list[tuple[str, str]]:
    """Choices for a year-group filter: only the years these organisations teach, in their own words."""
    organisations = list(organisations)
    college = bool(organisations) and all(_is_college(o) for o in organisations)
    return [("", blank)] + [(str(y), year_label(y, college=college)) for y in years_for(organisations)]
