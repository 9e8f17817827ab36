"""What may be attached to a concern: a few document and photo types (no spreadsheets or slides, no body maps, no
markup), checked by name and by content like every upload (`core.uploads`), at most 10 MB."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from core.uploads import CheckedUpload, check_upload, max_upload_bytes

TYPES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".docx", ".txt"})


def checked_upload(upload: UploadedFile) -> CheckedUpload:
    """The name, content type and size of an acceptable attachment; a ValidationError on `attachment` if not."""
    return check_upload(
        upload,
        allowed=TYPES,
        field="attachment",
        action="attached",
        max_bytes=max_upload_bytes("SAFEGUARDING_MAX_ATTACHMENT_BYTES"),
    )
