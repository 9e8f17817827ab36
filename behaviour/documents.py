"""The letter to parents of a suspension or exclusion, as a PDF, for the page and the e-mailed notice alike."""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string

from behaviour.models import Suspension
from behaviour.selectors import letter_context


def suspension_letter_pdf(suspension: Suspension, *, today: datetime.date, base_url: str = "") -> bytes:
    """The school's letter about `suspension`, dated `today` (weasyprint; the letter needs no static files)."""
    from weasyprint import HTML

    html = render_to_string("behaviour/suspension_letter.html", letter_context(suspension, today=today))
    return HTML(string=html, base_url=base_url or None).write_pdf()
