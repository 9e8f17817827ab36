"""Lists out as CSV or XLSX, with spreadsheet formula injection neutralised (standards.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell("" if v is None else v) for v in row])
    return response


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Export"
) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(
    fmt: str, basename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Export"
) -> HttpResponse:
    """CSV unless `fmt` is "xlsx"."""
    if fmt == "xlsx":
        return xlsx_response(f"{basename}.xlsx", header, rows, title)
    return csv_response(f"{basename}.csv", header, rows)
