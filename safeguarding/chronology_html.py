"""The chronology table's rows and the "This corrects" options, built in Python in one pass each.

A 200-entry chronology through the template language was about two thirds of the page's time (a date filter, a
`linebreaksbr`, an `if` and five variable look-ups a row); building them in Python takes a fraction of it. The rows escape every value with the standard library's `html.escape` (what
`django.utils.html.escape` does, without its lazy-string wrapper); the options use `format_html_join`, as the
attendance pupil page does for its marks.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.text import normalize_newlines

from safeguarding.selectors import Entry

EMPTY = '<tr><td colspan="4">Nothing recorded.</td></tr>'


def day_label(on: datetime.date) -> str:
    """'7 Sep 2026' (the templates' `date:"j M Y"`; the site is English only)."""
    return f"{on.day} {on:%b %Y}"


def _e(value: Any) -> str:
    """`django.utils.html.escape` without its lazy-string wrapper (a 200-row table calls it a thousand times)."""
    return html.escape(str(value), quote=True)


def _row(e: Entry) -> str:
    title = f'<a href="{_e(e.url)}">{_e(e.title)}</a>' if e.url else _e(e.title)
    detail = _e(normalize_newlines(e.detail)).replace("\n", "<br>")
    return (
        f'<tr class="sg-{_e(e.kind)}"><td>{day_label(e.on)}</td><th scope="row">{title}</th>'
        f"<td>{detail}</td><td>{_e(e.by)}</td></tr>"
    )


def rows_html(entries: Sequence[Entry]) -> SafeString:
    """Every row of the chronology table, every value escaped (the detail keeps its line breaks, as
    `linebreaksbr`)."""
    if not entries:
        return SafeString(EMPTY)
    return SafeString("\n".join(_row(e) for e in entries))


def corrects_options_html(own_entries: Iterable[Any]) -> SafeString:
    """The `<option>`s of "This corrects": the file's own entries, newest first."""
    return format_html_join(
        "",
        '<option value="{}">Entry #{}: {} on {}</option>',
        ((e.pk, e.pk, e.get_kind_display(), day_label(e.occurred_on)) for e in own_entries),
    )


def table_context(entries: list[Entry]) -> dict[str, Any]:
    """What `_chronology_table.html` needs."""
    return {"entries": entries, "rows": rows_html(entries)}
