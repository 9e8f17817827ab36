"""The chronology table built in Python (`chronology_html`): every value escaped, line breaks kept, links kept."""

from __future__ import annotations

import datetime

from safeguarding.chronology_html import day_label, rows_html
from safeguarding.selectors import Entry


def test_it_escapes_every_value_and_keeps_line_breaks():
    """Markup typed into a concern comes out as text; a detail's line breaks become <br>, as `linebreaksbr` did."""
    entry = Entry(
        on=datetime.date(2026, 9, 7),
        at=None,
        kind="concern",
        title='Concern #1: <b>"neglect"</b>',
        detail="<script>alert(1)</script>\r\nsecond line",
        url="/safeguarding/concerns/1/?a=1&b=2",
        by="O'Brien & Co",
    )
    html = rows_html([entry])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in html
    assert (
        '<a href="/safeguarding/concerns/1/?a=1&amp;b=2">Concern #1: &lt;b&gt;&quot;neglect&quot;&lt;/b&gt;</a>'
        in html
    )
    assert "<td>O&#x27;Brien &amp; Co</td>" in html
    assert '<tr class="sg-concern"><td>7 Sep 2026</td>' in html


def test_it_shows_a_title_without_a_link_and_an_empty_table():
    entry = Entry(datetime.date(2026, 1, 1), None, "psp", "PSP opened", "", "", "")
    assert '<th scope="row">PSP opened</th>' in rows_html([entry])
    assert "Nothing recorded." in rows_html([])


def test_it_labels_days_as_the_templates_did():
    assert day_label(datetime.date(2026, 3, 2)) == "2 Mar 2026"
