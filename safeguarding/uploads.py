"""What may be attached to a concern: a few document and photo types, checked by name and by content, ≤ 10 MB.

The same rules as portfolio attachments (`portfolios.services.add_attachment`); no body maps, no markup."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = getattr(settings, "SAFEGUARDING_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
# extension -> (content type it is stored and served as, the bytes its content must start with)
TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
}


def checked_upload(upload: UploadedFile) -> tuple[str, str, int]:
    """(original name, content type, size) of an acceptable upload; a ValidationError on `attachment` if not."""
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in TYPES:
        allowed = ", ".join(sorted(e.lstrip(".").upper() for e in TYPES))
        raise ValidationError({"attachment": f"That type of file cannot be attached. Allowed: {allowed}."})
    size = upload.size or 0
    if size > MAX_BYTES:
        raise ValidationError({"attachment": f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."})
    if size == 0:
        raise ValidationError({"attachment": "The file is empty."})
    content_type, magic = TYPES[ext]
    head = upload.read(1024)
    upload.seek(0)
    if magic and not any(head.startswith(m) for m in magic):
        raise ValidationError({"attachment": f"The file's content does not match its {ext} name."})
    if ext == ".txt" and b"<" in head:
        raise ValidationError({"attachment": "Text files may not contain markup."})
    return name, content_type, size
