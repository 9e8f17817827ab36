"""What an uploaded file must be before it is stored: a CSV text file of a sensible size with a plain name.

The reader copes with any bytes; these checks refuse, with a message the uploader can act on, what is plainly
not a CSV export (a PDF, a workbook, a program, a web page or an image) before it is queued as a job.
"""

from __future__ import annotations

import codecs
import unicodedata

from django.conf import settings
from django.template.defaultfilters import filesizeformat

CSV_EXTENSIONS = (".csv", ".tsv", ".txt")
# The first bytes of files that are sometimes uploaded in place of a CSV export.
SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip file"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97–2003 workbook (.xls) or another Office file"),
    (b"{\\rtf", "a Rich Text document"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def max_bytes() -> int:
    """The largest file one import takes (`PASTORAL_IMPORT_MAX_BYTES`)."""
    return int(settings.PASTORAL_IMPORT_MAX_BYTES)


def max_size_label() -> str:
    return str(filesizeformat(max_bytes())).replace("\xa0", " ")


def safe_filename(name: str) -> str:
    """The file's own name as it is stored and shown: no folders (../, C:\\…), control characters or markup."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*&;`$')
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "upload.csv"
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = stem[: 254 - len(extension)] + dot + extension if dot and len(extension) < 10 else name[:255]
    return name


def upload_problem(name: str, size: int, head: bytes) -> str | None:
    """Why an upload cannot be a CSV export (its name, size and first bytes), or None when it may be one."""
    shown = safe_filename(name)
    if size == 0:
        return "The file is empty: export the list from your MIS with a header row and upload it again."
    if size > max_bytes():
        return (
            f"'{shown}' is {filesizeformat(size)}; one import takes at most {max_size_label()}. "
            "Split it into smaller files and upload each."
        ).replace("\xa0", " ")
    for signature, what in SIGNATURES:
        if head.startswith(signature):
            return f"'{shown}' is {what}, not a CSV file. {_EXPORT}"
    if not shown.lower().endswith(CSV_EXTENSIONS):
        return f"'{shown}' is not a CSV file (its name should end in .csv). {_EXPORT}"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # Excel's "Unicode text": NUL bytes are part of every character
    text = head.removeprefix(codecs.BOM_UTF8)
    if b"\x00" in text:
        return f"'{shown}' holds binary data (NUL bytes), so it is not a CSV text file. {_EXPORT}"
    if sum(text.count(bytes([b])) for b in _CONTROL) * 20 > len(text):
        return f"'{shown}' holds binary data, so it is not a CSV text file. {_EXPORT}"
    if text.lstrip(b" \t\r\n").startswith(b"<"):
        return f"'{shown}' is a web page, an SVG image or an XML file (it starts with '<'), not a CSV file. {_EXPORT}"
    return None


_EXPORT = 'Export the list from your MIS (or save it from Excel) as "CSV UTF-8" and upload that.'
