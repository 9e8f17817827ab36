"""Uploaded files, the same way everywhere (standards.md: "type and size checked, stored outside the web root, never
served inline as HTML").

- `check_upload` is the one check every upload passes: an allowed type by extension *and* by content (magic bytes;
  a text file may not contain markup), not empty, not larger than the limit. It says what is wrong in words the
  person uploading can act on.
- `random_name` stores files under `settings.MEDIA_ROOT` (`PASTORAL_MEDIA_ROOT`, outside the web root; `MEDIA_URL`
  is never served) with a random name, never the uploaded one.
- `download_response` serves a file only as a download, after the caller's permission check: `Content-Disposition:
  attachment`, `X-Content-Type-Options: nosniff` and a sandboxing CSP, with the content type the check chose (never
  the browser's claim).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Extension -> the content type it is stored and served as; anything else (HTML, SVG, scripts…) is refused.
ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".txt": "text/plain",
}
MAGIC = {
    ".pdf": [b"%PDF"],
    ".png": [b"\x89PNG"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".pptx": [b"PK\x03\x04"],
}
ALLOWED_DESCRIPTION = "PDF, Word, Excel, PowerPoint, PNG, JPEG or plain text"


@dataclass(frozen=True)
class CheckedUpload:
    """What the check found: the name to show (never used on disk), the content type to serve, the size."""

    name: str
    content_type: str
    size: int


def max_upload_bytes(setting: str = "") -> int:
    """The size limit: an app's own setting if it has one (e.g. PORTFOLIOS_MAX_ATTACHMENT_BYTES), else
    PASTORAL_MAX_UPLOAD_BYTES, else 10 MB. Read when checking, so a changed setting applies at once."""
    own = getattr(settings, setting, None) if setting else None
    return int(own if own is not None else getattr(settings, "PASTORAL_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def check_upload(
    upload: UploadedFile,
    *,
    max_bytes: int | None = None,
    field: str = "file",
    action: str = "uploaded",
    allowed: frozenset[str] | None = None,
) -> CheckedUpload:
    """Refuse (ValidationError on `field`) a file of a type not allowed, whose content does not match its name,
    that is empty or larger than the limit; otherwise say what it is. The file is left at its start. `action`
    words the refusal ("That type of file cannot be attached"); `allowed` narrows the types (extensions) further."""
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    types = {ext: kind for ext, kind in ALLOWED_TYPES.items() if allowed is None or ext in allowed}
    name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in types:
        listed = ", ".join(sorted(e.lstrip(".").upper() for e in types))
        raise ValidationError({field: f"That type of file cannot be {action}. Allowed: {listed}."})
    size = upload.size
    if size is None:
        raise ValidationError({field: "The file could not be read."})
    if size > limit:
        raise ValidationError({field: f"The file is larger than {_megabytes(limit)}."})
    if size == 0:
        raise ValidationError({field: "The file is empty."})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if ext in MAGIC and not any(head.startswith(m) for m in MAGIC[ext]):
        raise ValidationError({field: f"The file's content does not match its {ext} name."})
    if ext == ".txt" and b"<" in upload.read(1024):
        upload.seek(0)
        raise ValidationError({field: "Text files may not contain markup."})
    upload.seek(0)
    return CheckedUpload(name=name, content_type=types[ext], size=size)


def _megabytes(limit: int) -> str:
    mb = limit / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{limit // 1024} KB"


def random_name(folder: str) -> str:
    """A storage name under MEDIA_ROOT that reveals nothing of the upload: `<folder>/<32 hex digits>`."""
    return f"{folder}/{secrets.token_hex(16)}"


def download_response(stored: File, *, filename: str, content_type: str) -> FileResponse:
    """Serve an uploaded file (a model's `FieldFile`) as a download only (never rendered inline), after the caller's
    permission check. A file the record names but the store no longer holds (lost in a restore, removed by hand)
    is a 404 and a warning in the log for whoever keeps the store, not a server error."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        logger.warning("Upload %s is named by its record but missing from the file store.", stored.name)
        raise Http404("This file is no longer in the file store.") from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
