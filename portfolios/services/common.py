"""What every portfolio write shares: rich text made safe, and e-mail sent only after the change commits."""

from __future__ import annotations

import re

import nh3
from django.db import transaction
from django.utils.html import escape

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote", "h3", "h4", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
RESUBMISSION_WEEKS = 6


def sanitise(html: str) -> str:
    """Rich text as participants may write it: a small set of tags, safe links, nothing else.

    Plain text (nothing that looks like a tag) becomes paragraphs, one per blank-line-separated block.
    """
    text = html or ""
    if not re.search(r"<[a-zA-Z/!]", text) and text.strip():
        blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
        text = "".join("<p>" + escape(b).replace("\n", "<br>") + "</p>" for b in blocks)
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener noreferrer")


def notify(recipients: list[str], subject: str, body: str) -> None:
    """E-mail after the surrounding transaction commits (never for a rolled-back change)."""
    from portfolios.tasks import send_notice

    transaction.on_commit(lambda: send_notice.enqueue(recipients, subject, body))
