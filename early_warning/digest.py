"""The weekly digest: each PAL and head of year is e-mailed their own list's new entrants and how many still need
action, with only the reasons their role may know of (the same lines as their list)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from access.models import RoleAssignment
from access.permissions import visible_pupils
from access.roles import Role
from early_warning.selectors import school_entries

DIGEST_ROLES = (Role.PAL, Role.HEAD_OF_YEAR)


def recipients(organisation: Any, on: datetime.date) -> list[Any]:
    """The PALs and heads of year of a school with an e-mail address, each once."""
    found = {}
    for ra in (
        RoleAssignment.objects.current(on)
        .filter(organisation=organisation, role__in=DIGEST_ROLES)
        .select_related("user")
    ):
        if ra.user.email and ra.user.is_active:
            found[ra.user.pk] = ra.user
    return [found[pk] for pk in sorted(found)]


def _short(pupil: Any) -> str:
    return f"{pupil.first_name} {pupil.last_name[:1]}. ({pupil.year_label})"


def digest_for(user: Any, organisation: Any, on: datetime.date) -> tuple[str, str] | None:
    """The subject and text of one person's digest, or None when nobody on their list needs action."""
    entries = school_entries(user, organisation, on, visible_pupils(user))
    waiting = [e for e in entries if e.needs_action]
    if not waiting:
        return None
    new = [e for e in entries if e.is_new]
    lines = [
        f"Early warning for {organisation.name}, week ending {on:%d %B %Y}.",
        f"{len(entries)} student(s) on your list; {len(waiting)} still need action; {len(new)} new since last week.",
        "",
    ]
    if new:
        lines.append("New this week:")
        lines += [
            f"- {_short(e.pupil)}: score {e.score} — " + "; ".join(line.label for line in e.lines)
            for e in new
        ]
        lines.append("")
    lines.append(f"Open the list to see why and to mark students reviewed: {reverse('early_warning:list')}")
    return f"Early warning: {len(waiting)} student(s) need action, {len(new)} new", "\n".join(lines) + "\n"
