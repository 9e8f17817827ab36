"""The letter to parents of a suspension or exclusion, as a PDF, for the page and the e-mailed notice alike."""

from __future__ import annotations

import datetime

from behaviour.models import Suspension
from behaviour.selectors import letter_context
from core.pdf import render_pdf


def suspension_letter_pdf(
    suspension: Suspension, *, today: datetime.date, base_url: str | None = None
) -> bytes:
    """The school's letter about `suspension`, dated `today` (the letter needs no static files)."""
    return render_pdf("behaviour/suspension_letter.html", letter_context(suspension, today=today), base_url)
