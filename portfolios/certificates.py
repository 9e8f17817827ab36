"""The PDF certificate: holder, qualification, level, date, verification code and a QR code to the public page."""

from __future__ import annotations

import segno

from core.pdf import render_pdf as render_template_pdf
from portfolios.models import Certificate


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data URI (no file, no network)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def render_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    others = Certificate.objects.filter(
        holder_id=certificate.holder_id, qualification=certificate.qualification, revoked_at__isnull=True
    ).values_list("level_number", flat=True)
    levels = sorted(set(others) | {certificate.level_number})
    return render_template_pdf(
        "portfolios/certificate_pdf.html",
        {
            "certificate": certificate,
            "verify_url": verify_url,
            "qr": qr_data_uri(verify_url),
            "both_levels": levels == [1, 2],
        },
        verify_url,
    )
