"""The governors' report PDF fits its landscape page: every column (header and figures) inside the page and inside
its own cell, no table row split across pages, the header row repeated, and breakdowns named properly.

The report is rendered with many rows (a group of 40 schools with long names, four-digit figures) so its tables run
over several pages; the layout is read from WeasyPrint's own boxes (`Document.pages`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from types import SimpleNamespace

from django.template.loader import render_to_string

from insights.selectors.figures import COLUMNS, DIMENSIONS
from insights.selectors.report import REPORT_BREAKDOWNS

TERM = SimpleNamespace(
    label="Autumn 2026-27", start=datetime.date(2026, 9, 1), end=datetime.date(2026, 12, 17)
)
FIGURES = {c.key: 1234 for c in COLUMNS}


def _html() -> str:
    def rows(label: str, n: int) -> list[dict]:
        return [{"label": f"{label} {i}", **FIGURES} for i in range(n)]

    return render_to_string(
        "insights/report_pdf.html",
        {
            "school": SimpleNamespace(name="Kingsbridge Community College"),
            "report": SimpleNamespace(starts_on=TERM.start, ends_on=TERM.end),
            "made_at": datetime.datetime(2026, 12, 7, 12, 0),
            "columns": COLUMNS,
            "dimensions": {k: DIMENSIONS[k] for k in REPORT_BREAKDOWNS},
            "headlines": [{"period": TERM, **FIGURES}] * 3,
            "breakdowns": {"year": rows("Year", 7), "sex": rows("Sex", 2), "sen": rows("SEN", 3)}
            | {"pupil_premium": rows("Pupil premium", 2)},
            "group": SimpleNamespace(name="Moorland Learning Trust"),
            "comparison": [
                {
                    "school": SimpleNamespace(name=f"Kingsbridge Community College {i}"),
                    "is_this": i == 3,
                    **FIGURES,
                }
                for i in range(40)
            ],
        },
    )


def _pages():
    from weasyprint import HTML

    return HTML(string=_html()).render().pages


def _boxes(page):
    return page._page_box.descendants()  # WeasyPrint's laid-out boxes of the page


def test_it_keeps_every_column_inside_the_page_and_its_cell():
    """Each header and figure ends before the right margin, and inside the cell it belongs to."""
    pages = _pages()
    assert len(pages) > 1  # the comparison runs over pages
    outside_page, outside_cell = [], []
    for page in pages:
        right_margin = page.width - page._page_box.margin_right
        for box in _boxes(page):
            if getattr(box, "text", None) and box.position_x + box.width > right_margin + 0.5:
                outside_page.append(box.text)
            if type(box).__name__ == "TableCellBox":
                cell_right = box.border_box_x() + box.border_width()
                outside_cell += [
                    t.text
                    for t in box.descendants()
                    if getattr(t, "text", None) and t.position_x + t.width > cell_right + 0.5
                ]
    assert outside_page == [] and outside_cell == []


def test_it_never_splits_a_row_and_repeats_the_header_on_each_page():
    """Every body row lies on one page; each page the comparison continues on starts with its header row."""
    pages_of_row: dict[int, set[int]] = defaultdict(set)
    pages_with_header = set()
    for n, page in enumerate(_pages()):
        for box in _boxes(page):
            if type(box).__name__ != "TableRowGroupBox":
                continue
            if box.is_header:
                pages_with_header.add(n)
            else:
                for row in box.children:
                    pages_of_row[id(row.element)].add(n)
    assert all(len(pages) == 1 for pages in pages_of_row.values())
    pages_with_rows = set().union(*pages_of_row.values())
    assert pages_with_rows <= pages_with_header


def test_it_names_the_breakdowns_properly():
    """ "This term by SEN" and "by pupil premium"; their tables' first columns "SEN", "Year group", "Pupil premium"."""
    html = _html()
    for heading in (
        "This term by year group",
        "This term by sex",
        "This term by SEN",
        "This term by pupil premium",
    ):
        assert f"<h2>{heading}</h2>" in html
    for first in ("Year group", "Sex", "SEN", "Pupil premium"):
        assert f'<th scope="col" class="label">{first}</th>' in html
    assert "by sen<" not in html and ">sen<" not in html and ">year group<" not in html
