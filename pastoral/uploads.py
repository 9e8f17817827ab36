"""The one check every uploaded document passes: an allowed type (by extension and by content), a size cap, and
a safe stored name. Anything that could render in a browser (HTML, SVG, scripts) is refused.

Files are stored through the default storage under `PASTORAL_MEDIA_ROOT` (outside the web root) and served only by
views that check permission first, always as a download (see `download_response`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

# Extension -> the content type it is stored and served as.
DOCUMENT_TYPES = {
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
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the file's own name, without any path, at most 200 characters
    content_type: str
    size: int


def check_upload(
    upload: UploadedFile,
    *,
    allowed: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    field: str = "file",
) -> CheckedUpload:
    """The upload's safe name, content type and size; a ValidationError on `field` saying what is wrong."""
    types = allowed if allowed is not None else DOCUMENT_TYPES
    raw = (upload.name or "file").replace("\\", "/")
    name = raw.rsplit("/", 1)[-1].strip()[:200] or "file"
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in types:
        listed = ", ".join(sorted({e.lstrip(".").upper() for e in types}))
        raise ValidationError({field: f"That type of file cannot be attached. Allowed: {listed}."})
    size = upload.size
    assert size is not None, "Django sets the size of every uploaded file"
    if size > max_bytes:
        raise ValidationError({field: f"The file is larger than {max_bytes // (1024 * 1024)} MB."})
    if size == 0:
        raise ValidationError({field: "The file is empty."})
    head = upload.read(8)
    upload.seek(0)
    if ext in MAGIC and not any(head.startswith(m) for m in MAGIC[ext]):
        raise ValidationError({field: f"The file's content does not match its {ext} name."})
    if ext == ".txt" and b"<" in upload.read(1024):
        raise ValidationError({field: "Text files may not contain markup."})
    upload.seek(0)
    return CheckedUpload(name=name, content_type=types[ext], size=size)


def download_response(file: Any, *, filename: str, content_type: str) -> FileResponse:
    """A stored upload, always as a download, never sniffed or rendered inline."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
