"""How the audit log page shows an event's changes."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def change_text(value: Any) -> str:
    """One entry of an event's `changes`: an edit's `[old, new]` as "old → new" (an empty side "—"), any other
    detail (an upload's kind, a file name, a count) as it is. Indexing a plain string showed "p → u" for "pupils"."""
    if isinstance(value, list | tuple) and len(value) == 2:
        old, new = ("—" if side is None else side for side in value)
        return f"{old} → {new}"
    return "—" if value is None else str(value)
