from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def figure(row: dict[str, Any], column: Any) -> str:
    """One cell of a figures table: a rate as a percentage, a suppressed cell as "<5", nothing as a dash."""
    value = row.get(column.key)
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value * 100:.1f}%"
    return str(value)


@register.filter
def pct(value: Any) -> str:
    """A share (0–1) as a percentage with one decimal."""
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`mapping[key]` in a template (the report's breakdowns by key)."""
    return mapping.get(key, key)
