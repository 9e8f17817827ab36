"""Template helpers for the register and figures pages."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django import template
from django.forms import BoundField, Form
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from attendance.codes import CODES, Code

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
    codes = list(codes)
    if selected and selected in CODES and all(c.code != selected for c in codes):
        codes.append(
            CODES[selected]
        )  # a mark the register would not offer (imported, or set by the office) stays
    parts = [_option("", "— not marked —", not selected)]
    parts += [_option(c.code, f"{c.code} {c.meaning}", c.code == selected) for c in codes]
    return mark_safe("".join(parts))  # noqa: S308 every part is built by format_html above


@register.filter
def percent(rate: float | None) -> str:
    """A rate (0.9166…) as the figures pages show every rate: a percentage with one decimal (91.7%)."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _field_html(field: BoundField) -> SafeString:
    """One field as includes/field.html renders it (label, hint, errors and widget; the checkbox's order)."""
    errors = field.errors
    hint = (
        format_html('<p class="hint" id="{}_helptext">{}</p>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    error = (
        format_html(
            '<div class="field-error" id="{}_error">{}</div>',
            field.auto_id,
            format_html_join("", "<p>{}</p>", ((e,) for e in errors)),
        )
        if errors
        else ""
    )
    widget = str(field)
    if getattr(field.field.widget, "input_type", None) == "checkbox":
        label = format_html('<label for="{}">{}</label>', field.id_for_label, field.label)
        inner = format_html("{} {}{}{}", mark_safe(widget), label, hint, error)  # noqa: S308 Django's widget HTML
    else:
        required = (
            mark_safe(' <span class="required" aria-hidden="true">*</span>') if field.field.required else ""
        )  # noqa: S308
        label = format_html('<label for="{}">{}{}</label>', field.id_for_label, field.label, required)
        inner = format_html("{}{}{}{}", label, hint, error, mark_safe(widget))  # noqa: S308 Django's widget HTML
    return format_html('<div class="field{}">{}</div>\n', " field--error" if errors else "", inner)


@register.simple_tag
def form_fields(form: Form) -> SafeString:
    """Every field of a form as `{% for field in form %}{% include "includes/field.html" %}{% endfor %}` renders
    them, built in Python: an include a field was most of the figures form's template time."""
    return mark_safe("".join(_field_html(field) for field in form))  # noqa: S308 built by format_html
