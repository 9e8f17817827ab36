"""Turning an uploaded file into rows: encoding, line endings, header matching, and the checks that stop a file.

Whatever the bytes, `read` returns: a file it cannot read gets one error naming the line, never an exception.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mis_import.columns import CellError, ImportKind, formula_problem, normalise_header

# The encodings a file may be read as (the job's choice); "auto" picks one of the others from the bytes.
ENCODINGS = {
    "auto": "Detected",
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252 (ANSI)",
    "mac_roman": "Mac Roman (Excel for Mac)",
    "utf-16": "UTF-16 (Unicode text)",
}
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_LEGACY = {"cp1252": "Windows-1252", "mac_roman": "Mac Roman"}


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, Any]  # field -> parsed value (absent or empty cells are left out)


@dataclass
class ParsedFile:
    """A file read against one kind's columns: rows that parsed, and every problem found."""

    kind: ImportKind
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written in the file
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0
    fatal: bool = False  # nothing below the header was checked
    columns_missing: bool = False  # fatal because the header lacks required columns
    encoding: str = ""  # the encoding the file was read as (a key of ENCODINGS, never "auto")

    def fail(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))

    def stop(self, line: int, message: str) -> ParsedFile:
        """A problem that stops the whole file: nothing below it is checked."""
        self.fail(line, "", message)
        self.fatal = True
        return self


def _line_of(raw: bytes, offset: int) -> int:
    """The line a byte offset falls on, whether lines end in CR LF, LF or CR alone."""
    return len(_LINE_BREAK.findall(raw, 0, offset)) + 1


def _lines_before(text: str) -> int:
    return len(re.findall(r"\r\n|\r|\n", text))


def _cr_only(raw: bytes) -> bool:
    """Lines end in CR alone: a classic Mac file (Excel for Mac's "CSV (Macintosh)", in Mac Roman)."""
    return b"\r" in raw and b"\n" not in raw


def _decode_utf16(raw: bytes) -> tuple[str | None, RowError | None]:
    try:
        return raw.decode("utf-16"), None  # the byte-order mark says which end first, and is dropped
    except UnicodeDecodeError as error:
        line = _lines_before(raw[: error.start].decode("utf-16", "replace")) + 1
        return None, RowError(
            line,
            "",
            f'Line {line} is not valid UTF-16 text: save the file as "CSV UTF-8" and upload it again.',
        )


def _cannot(encoding: str, line: int, message: str) -> tuple[None, str, RowError]:
    return None, encoding, RowError(line, "", message)


def decode(raw: bytes, encoding: str) -> tuple[str | None, str, RowError | None]:
    """The file's text and the encoding it was read as, or an error that names the line which could not be read.

    A byte-order mark settles the encoding whatever was chosen (UTF-8 or UTF-16). With "auto" a file that is
    valid UTF-8 is UTF-8; otherwise Mac Roman when its lines end in CR alone, else Windows-1252.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, error = _decode_utf16(raw)
        return text, "utf-16", error
    if raw.startswith(codecs.BOM_UTF8) or encoding not in ("auto", *_LEGACY):
        encoding = "utf-8"
    nul = raw.find(b"\x00")
    if nul >= 0:
        head = raw[:4096]
        if head.count(b"\x00") * 4 > len(head):
            return _cannot(
                encoding,
                1,
                'The file is saved as UTF-16 ("Unicode text") without a byte-order mark. '
                'Save it as "CSV UTF-8" and upload it again.',
            )
        line = _line_of(raw, nul)
        return _cannot(
            encoding,
            line,
            f"Line {line} holds a NUL byte, which is not text: the file is damaged or "
            'is not a CSV file. Export it from your MIS again as "CSV UTF-8".',
        )
    detected = encoding == "auto"
    if detected:
        try:
            return raw.decode("utf-8-sig"), "utf-8", None
        except UnicodeDecodeError:
            encoding = "mac_roman" if _cr_only(raw) else "cp1252"
    if encoding == "utf-8":
        try:
            return raw.decode("utf-8-sig"), "utf-8", None
        except UnicodeDecodeError as error:
            line = _line_of(raw, error.start)
            return _cannot(
                encoding,
                line,
                f"Line {line} is not valid UTF-8 (byte 0x{raw[error.start]:02X}). The "
                'file was probably saved as Windows-1252 ("CSV" in older Excel): choose Windows-1252 as '
                'the encoding (or let it be detected), or save it as "CSV UTF-8".',
            )
    name = _LEGACY[encoding]
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = _line_of(raw, error.start)
        said = "neither UTF-8 nor Windows-1252" if detected else "not Windows-1252"
        advice = (
            'save the file as "CSV UTF-8" and upload it again.'
            if detected
            else "check the encoding you chose."
        )
        return _cannot(
            encoding, line, f"Line {line} has a byte (0x{raw[error.start]:02X}) that is {said} text: {advice}"
        )
    if not detected and not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return text, encoding, None
        offset = next(i for i, b in enumerate(raw) if b > 127)
        line = _line_of(raw, offset)
        start = max(raw.rfind(b"\n", 0, offset), raw.rfind(b"\r", 0, offset)) + 1
        shown = raw[start : offset + 40].decode(encoding).splitlines()[0][:60]
        return _cannot(
            encoding,
            line,
            f"The file is UTF-8, not {name} (line {line} would read as '{shown}'): "
            "choose UTF-8 as the encoding, or let it be detected.",
        )
    return text.removeprefix("\ufeff"), encoding, None


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


def _unreadable(line: int, error: csv.Error) -> str:
    return (
        f"Line {line} cannot be read as CSV ({error}): check for a stray quote mark, or a cell that runs on "
        "past the end of its line."
    )


def read(
    raw: bytes,
    encoding: str,
    kind: ImportKind,
    *,
    max_rows: int,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedFile:
    """Read and check every row of a file; nothing touches the database, and nothing is raised."""
    parsed = ParsedFile(kind=kind)
    text, parsed.encoding, error = decode(raw, encoding)
    if error is not None:
        parsed.errors.append(error)
        parsed.fatal = True
        return parsed
    assert text is not None
    # A line may end in CR LF (Windows), LF, or CR alone (Excel for Mac's "CSV (Macintosh)"); a stray CR is
    # a line break too, so the csv module never meets one inside an unquoted cell.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return parsed.stop(
            line, f"Line {line} holds a NUL character, which is not text: the file is damaged."
        )
    if not text.strip():
        return parsed.stop(
            1, "The file is empty: export the list from your MIS with a header row and upload it again."
        )
    first_line = text.lstrip("\n").split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)  # CSV as saved by MIS exports and Excel
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
    except csv.Error as failure:
        return parsed.stop(max(1, reader.line_num), _unreadable(max(1, reader.line_num), failure))
    if header is None:
        return parsed.stop(
            1, "The file is empty: export the list from your MIS with a header row and upload it again."
        )
    header_line = reader.line_num
    found, written = _match_header(kind, header)
    parsed.columns = written
    missing: list[Any] = [c for c in kind.columns if c.required and c.field not in found]
    for group in kind.one_of:
        if not any(f in found for f in group):
            missing.append(_OneOf(kind, group))
    if missing:
        parsed.columns_missing = True
        return parsed.stop(
            header_line,
            f"Missing required column{'s' if len(missing) > 1 else ''}: {_missing_message(missing)}.",
        )
    # First count the rows (the csv module is quick), so a file over the limit is refused before any is parsed.
    body = io.StringIO(text)
    counter = csv.reader(body, delimiter=delimiter)
    while counter.line_num < header_line:
        next(counter)
    started = header_line  # the line before the record being read: a quoted cell may span lines
    try:
        for row in counter:
            parsed.total_rows += any(cell.strip() for cell in row)
            started = counter.line_num
    except csv.Error as failure:
        return parsed.stop(started + 1, _unreadable(started + 1, failure))
    if not parsed.total_rows:
        return parsed.stop(
            header_line + 1, f"The file has a header row but no {kind.label.lower()} below it."
        )
    if parsed.total_rows > max_rows:
        return parsed.stop(
            header_line,
            f"The file has {parsed.total_rows:,} rows; one import takes at most {max_rows:,}. "
            "Split it into smaller files.",
        )
    _check_rows(parsed, reader, found, written, progress)
    return parsed


def _check_rows(
    parsed: ParsedFile,
    reader: Any,
    found: dict[str, int],
    written: dict[str, str],
    progress: Callable[[int, int], None] | None,
) -> None:
    """Parse every cell of every row below the header, keeping the rows without problems."""
    kind = parsed.kind
    columns = [(c, found[c.field], written[c.field]) for c in kind.columns if c.field in found]
    required = [(c.field, name) for c, _, name in columns if c.required]
    one_of = [[f for f in group if f in found] for group in kind.one_of]
    every = max(250, parsed.total_rows // 100)  # about a hundred progress updates, however long the file
    # A file of marks repeats its dates, sessions, codes and pupils thousands of times: each cell text is
    # parsed once a column (only immutable results are shared between rows).
    outcomes: dict[str, dict[str, tuple[bool, Any]]] = {c.field: {} for c, _, _ in columns}
    done = 0
    for line, cells in _numbered(reader):
        if not any(cell.strip() for cell in cells):
            continue
        done += 1
        values: dict[str, Any] = {}
        bad: set[str] = set()
        for column, index, name in columns:
            cell = cells[index].strip(" ") if index < len(cells) else ""
            if not cell or cell.isspace():
                continue
            seen = outcomes[column.field]
            outcome = seen.get(cell)
            if outcome is None:
                outcome = _parse_cell(column, cell)
                if len(seen) < _REMEMBERED and isinstance(outcome[1], _IMMUTABLE):
                    seen[cell] = outcome
            if outcome[0]:
                values[column.field] = outcome[1]
            else:
                parsed.fail(line, name, outcome[1])
                bad.add(column.field)
        for field_name, name in required:
            if field_name not in values and field_name not in bad:
                parsed.fail(line, name, f"'{name}' is empty; every row needs it.")
                bad.add(field_name)
        for present in one_of:
            if not any(f in values or f in bad for f in present):
                names = " or ".join(f"'{written[f]}'" for f in present)
                parsed.fail(
                    line, written[present[0]], f"{names} is empty; every row needs one to match the record."
                )
                bad.add(present[0])
        if not bad:
            parsed.rows.append(Row(line, values))
        if progress is not None and done % every == 0:
            progress(done, parsed.total_rows)


_REMEMBERED = 20_000  # distinct cell texts remembered a column
_IMMUTABLE = (str, int, datetime.date, type(None))


def _parse_cell(column: Any, cell: str) -> tuple[bool, Any]:
    """(True, value) or (False, the problem) for one non-empty cell."""
    problem = formula_problem(cell, phone=column.phone)
    if problem:
        return False, problem
    try:
        return True, column.parse(cell.strip())
    except CellError as error:
        return False, str(error)


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
