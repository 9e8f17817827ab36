"""A person's roles in a line each, as the home page says who they are signed in as."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.naturalsort import natural_sorted

LISTED_SCOPES = 4  # a role held for more groups (years, sites) than this is counted, not listed


def role_summaries(assignments: Iterable[Any]) -> list[str]:
    """One line for each role in each organisation, in natural order: "Senior leader (Oakfield School)" for a role
    over the whole organisation; "Form / course tutor for 7A1 and 10B2 (Oakfield School)" for a few groups, years
    or sites; "Pastoral & Attendance Lead for 16 groups (Severn Vale College)" past `LISTED_SCOPES`.

    `assignments` are role assignments with their organisation, group and site loaded."""
    whole: set[tuple[str, str]] = set()
    scopes: dict[tuple[str, str], dict[str, str]] = {}
    for assignment in assignments:
        key = (assignment.get_role_display(), str(assignment.organisation))
        label = assignment.scope_label
        if not label:
            whole.add(key)
        else:
            scopes.setdefault(key, {})[label] = _kind(assignment)
    lines = [f"{role} ({organisation})" for role, organisation in whole]
    for (role, organisation), held in scopes.items():
        if (role, organisation) not in whole:
            lines.append(f"{role} for {_scopes(held)} ({organisation})")
    return natural_sorted(lines)


def _kind(assignment: Any) -> str:
    if assignment.group_id:
        return "groups"
    if assignment.year_group is not None:
        return "year groups"
    return "sites"


def _scopes(held: dict[str, str]) -> str:
    """ "7A1, 9A and 10B2" (natural order), or "16 groups" when there are more than `LISTED_SCOPES`."""
    if len(held) > LISTED_SCOPES:
        kinds = set(held.values())
        return f"{len(held)} {kinds.pop() if len(kinds) == 1 else 'groups, years and sites'}"
    names = natural_sorted(held)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
