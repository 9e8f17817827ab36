"""Template helpers for the register and figures pages."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from attendance.codes import Code

register = template.Library()


@lru_cache(maxsize=256)
def _option(value: str, label: str, selected: bool) -> str:
    return format_html('<option value="{}"{}>{}</option>', value, " selected" if selected else "", label)


@register.simple_tag
def code_options(codes: Iterable[Code], selected: str) -> SafeString:
    """The <option>s of one pupil's mark select, the saved or posted code selected.

    A register has ~30 pupils × ~30 codes: rendered as template loops that is ~1,000 nodes a page, which
    cost more than saving the register; each option's HTML is built (escaped) once and reused.
    """
    parts = [_option("", "— not marked —", not selected)]
    parts += [_option(c.code, f"{c.code} {c.meaning}", c.code == selected) for c in codes]
    return mark_safe("".join(parts))  # noqa: S308 every part is built by format_html above


@register.filter
def percent(rate: float | None) -> str:
    """A rate (0.9166…) as the figures pages show every rate: a percentage with one decimal (91.7%)."""
    return "—" if rate is None else f"{rate * 100:.1f}%"
