"""Turning an uploaded file into rows: encoding, header matching, and the checks that stop a file outright."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mis_import.columns import CellError, ImportKind, formula_problem, normalise_header

ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252 (ANSI)"}


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class Row:
    line: int
    values: dict[str, Any]  # field -> parsed value (absent or empty cells are left out)
    cells: dict[str, str]  # field -> cell text as written, for messages


@dataclass
class ParsedFile:
    """A file read against one kind's columns: rows that parsed, and every problem found."""

    kind: ImportKind
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written in the file
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0
    fatal: bool = False  # nothing below the header was checked

    def fail(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def decode(raw: bytes, encoding: str) -> tuple[str | None, RowError | None]:
    """The file's text, or an error that names the line which could not be read."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        return None, RowError(
            1, "", 'The file is saved as UTF-16 ("Unicode text"). Save it as "CSV UTF-8" and upload again.'
        )
    if encoding == "utf-8":
        try:
            return raw.decode("utf-8-sig"), None
        except UnicodeDecodeError as error:
            line = _line_of(raw, error.start)
            return None, RowError(
                line,
                "",
                f"Line {line} is not valid UTF-8 (byte 0x{raw[error.start]:02X}). The file was probably saved as "
                'Windows-1252 ("CSV" in older Excel): choose Windows-1252 as the encoding, or save it as "CSV UTF-8".',
            )
    if raw.startswith(b"\xef\xbb\xbf"):
        return decode(raw, "utf-8")  # a UTF-8 byte-order mark settles it
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as error:
        line = _line_of(raw, error.start)
        return None, RowError(
            line,
            "",
            f"Line {line} has a byte (0x{raw[error.start]:02X}) that is not Windows-1252 text: "
            "check the encoding you chose.",
        )
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return text, None
        offset = next(i for i, b in enumerate(raw) if b > 127)
        line = _line_of(raw, offset)
        return None, RowError(
            line,
            "",
            f"The file is UTF-8, not Windows-1252 (line {line} would read as "
            f"'{text.splitlines()[line - 1][:60]}'): choose UTF-8 as the encoding.",
        )
    return text.removeprefix("\ufeff"), None


def _match_header(kind: ImportKind, header: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Field -> column index, preferring the earliest accepted name when a file has two (Surname and Legal Surname)."""
    position: dict[str, int] = {}
    for index, name in enumerate(header):
        position.setdefault(normalise_header(name), index)
    found: dict[str, int] = {}
    written: dict[str, str] = {}
    for column in kind.columns:
        for name in column.names:
            key = normalise_header(name)
            if key in position and position[key] not in found.values():
                found[column.field] = position[key]
                written[column.field] = header[position[key]].strip()
                break
    return found, written


def _missing_message(columns: list[Any]) -> str:
    return "; ".join(f"'{c.label}' (accepted names: {', '.join(c.names)})" for c in columns)


def read(
    raw: bytes,
    encoding: str,
    kind: ImportKind,
    *,
    max_rows: int,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedFile:
    """Read and check every row of a file; nothing touches the database."""
    parsed = ParsedFile(kind=kind)
    text, error = decode(raw, encoding)
    if error is not None:
        parsed.errors.append(error)
        parsed.fatal = True
        return parsed
    assert text is not None
    if not text.strip():
        parsed.fail(
            1, "", "The file is empty: export the list from your MIS with a header row and upload it again."
        )
        parsed.fatal = True
        return parsed
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)  # CSV as saved by MIS exports and Excel
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    while not any(cell.strip() for cell in header):
        header = next(reader)
    found, written = _match_header(kind, header)
    parsed.columns = written
    missing: list[Any] = [c for c in kind.columns if c.required and c.field not in found]
    for group in kind.one_of:
        if not any(f in found for f in group):
            missing.append(_OneOf(kind, group))
    if missing:
        parsed.fail(
            1, "", f"Missing required column{'s' if len(missing) > 1 else ''}: {_missing_message(missing)}."
        )
        parsed.fatal = True
        return parsed
    try:
        data_lines = [(line, row) for line, row in _numbered(reader) if any(cell.strip() for cell in row)]
    except csv.Error as error:
        line = reader.line_num
        parsed.fail(line, "", f"Line {line} cannot be read as CSV ({error}): check for a stray quote mark.")
        parsed.fatal = True
        return parsed
    parsed.total_rows = len(data_lines)
    if not data_lines:
        parsed.fail(2, "", f"The file has a header row but no {kind.label.lower()} below it.")
        parsed.fatal = True
        return parsed
    if parsed.total_rows > max_rows:
        parsed.fail(
            1,
            "",
            f"The file has {parsed.total_rows:,} rows; one import takes at most {max_rows:,}. "
            "Split it into smaller files.",
        )
        parsed.fatal = True
        return parsed
    columns = [(c, found[c.field]) for c in kind.columns if c.field in found]
    for done, (line, cells) in enumerate(data_lines, start=1):
        values: dict[str, Any] = {}
        raw_cells: dict[str, str] = {}
        bad: set[str] = set()
        for column, index in columns:
            cell = cells[index].strip(" ") if index < len(cells) else ""
            if cell.strip() == "":
                continue
            problem = formula_problem(cell, phone=column.phone)
            if problem:
                parsed.fail(line, written[column.field], problem)
                bad.add(column.field)
                continue
            cell = cell.strip()
            raw_cells[column.field] = cell
            try:
                values[column.field] = column.parse(cell)
            except CellError as error:
                parsed.fail(line, written[column.field], str(error))
                bad.add(column.field)
        for column, _ in columns:
            if column.required and column.field not in raw_cells and column.field not in bad:
                parsed.fail(
                    line, written[column.field], f"'{written[column.field]}' is empty; every row needs it."
                )
                bad.add(column.field)
        for group in kind.one_of:
            present = [f for f in group if f in found]
            if not any(f in raw_cells or f in bad for f in present):
                names = " or ".join(f"'{written[f]}'" for f in present)
                parsed.fail(
                    line, written[present[0]], f"{names} is empty; every row needs one to match the record."
                )
                bad.add(present[0])
        ok = not bad
        if ok:
            parsed.rows.append(Row(line, values, raw_cells))
        if progress is not None and done % 250 == 0:
            progress(done, parsed.total_rows)
    return parsed


class _OneOf:
    """A 'one of these columns' requirement, shaped like a Column for the message."""

    def __init__(self, kind: ImportKind, group: tuple[str, ...]) -> None:
        columns = [kind.column(f) for f in group]
        self.label = " or ".join(c.label for c in columns)
        self.names = tuple(name for c in columns for name in c.names)


def _numbered(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted cell may span lines)."""
    previous_end = reader.line_num
    for row in reader:
        yield previous_end + 1, row
        previous_end = reader.line_num
