"""Taking leavers' names out of the free text of an incident that stays for other pupils (retention).

When retention removes a leaver's link from an incident kept for another pupil, the text written at the time may
still name them. The names the pupil record holds are matched as whole words, in any case, and replaced by
`PLACEHOLDER`:

- each full name (legal or preferred first name with legal or preferred last name, written "First Last" or
  "Last, First"), unless a kept pupil on the incident has that same full name;
- a first or last name alone only where it cannot be someone else's name or an ordinary word: not when it is a name,
  or a word of a name, of a kept pupil on the incident, of the member of staff involved or of whoever recorded it
  ("Sam" stays when a kept Sam is in the incident too, "Smith" when Mr Smith recorded it); not when it is a single
  letter; and not where the text writes it all in lower case, where it is more likely a word ("will", "grace",
  "may") than a name, which staff write with a capital.

A name inside another word, or joined to one by a hyphen or an apostrophe ("Samson", "Smith-Jones", "O'Brien"), is
not matched; a possessive ("Alice's") is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

PLACEHOLDER = "[a former pupil]"

# Not inside a word, nor the second half of "Smith-Jones" or "O'Brien"; not the first half of "Smith-Jones".
_BEFORE = r"(?<!\w)(?<!\w-)(?<!\w['’])"
_AFTER = r"(?!\w)(?!-\w)"


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _pattern(name: str) -> str:
    return r"\s+".join(re.escape(word) for word in name.split())


def _firsts_and_lasts(pupil: Any) -> tuple[set[str], set[str]]:
    firsts = {n for n in (pupil.legal_first_name, pupil.preferred_first_name) if n.strip()}
    lasts = {n for n in (pupil.legal_last_name, pupil.preferred_last_name) if n.strip()}
    return firsts, lasts


def _alternatives(patterns: set[str]) -> str:
    # Longest first, so that "Mary Jane" is taken whole before "Mary".
    return "|".join(sorted(patterns, key=lambda p: (-len(p), p)))


def leavers_redactor(
    *, leavers: Iterable[Any], kept: Iterable[Any], staff_names: Iterable[str] = ()
) -> Callable[[str], str]:
    """A function that replaces the `leavers`' names in a text by `PLACEHOLDER`, except where a name may be a
    `kept` pupil's or one of `staff_names` (the rules are in this module's docstring)."""
    kept_full: set[tuple[str, str]] = set()
    taken: set[str] = set()
    for pupil in kept:
        firsts, lasts = _firsts_and_lasts(pupil)
        kept_full |= {(_key(first), _key(last)) for first in firsts for last in lasts}
        for name in firsts | lasts:
            taken |= {_key(name), *_key(name).split()}
    for name in staff_names:
        taken |= {_key(name), *_key(name).split()}

    full: set[str] = set()
    single: set[str] = set()
    for pupil in leavers:
        firsts, lasts = _firsts_and_lasts(pupil)
        for first in firsts:
            for last in lasts:
                if (_key(first), _key(last)) not in kept_full:
                    full.add(rf"{_pattern(first)}\s+{_pattern(last)}")
                    full.add(rf"{_pattern(last)},\s*{_pattern(first)}")
        single |= {
            _pattern(name) for name in firsts | lasts if len(name.strip()) > 1 and _key(name) not in taken
        }
    groups = [
        f"(?P<{group}>{_alternatives(names)})"
        for group, names in (("full", full), ("single", single))
        if names
    ]
    if not groups:
        return lambda text: text
    regex = re.compile(f"{_BEFORE}(?:{'|'.join(groups)}){_AFTER}", re.IGNORECASE)

    def replace(match: re.Match[str]) -> str:
        if match.lastgroup == "single" and match.group().islower():
            return match.group()
        return PLACEHOLDER

    return lambda text: regex.sub(replace, text)
